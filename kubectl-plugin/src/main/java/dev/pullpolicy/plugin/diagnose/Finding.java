package dev.pullpolicy.plugin.diagnose;

import java.util.List;

/**
 * Why one container of a Pod cannot start for an image reason: the cause with the facts that
 * establish it. Data only: the words (why, what to do) are the printer's.
 *
 * @param waiting the container's waiting reason as the kubelet wrote it (ErrImagePull,
 *     ImagePullBackOff, InvalidImageName, ErrImageNeverPull, …, or the raw error of its keyring)
 * @param message the container's waiting message as the kubelet wrote it (may be null)
 */
public record Finding(
    String namespace,
    String pod,
    String container,
    String image,
    String waiting,
    String message,
    Cause cause) {

  /** A cause doctor tells apart, with its facts; never credential data. */
  public sealed interface Cause {
    /** The cause's name, as printed and in {@code -o json}. */
    default String kind() {
      return getClass().getSimpleName();
    }
  }

  /**
   * The Pod's controller, from its {@code ownerReferences} (the one marked {@code controller}).
   *
   * @param apiVersion e.g. {@code apps/v1}
   */
  public record Controller(String apiVersion, String kind, String name, String uid) {}

  /**
   * The Pod lists no pull Secret but its ServiceAccount has some now: it was created before they
   * were added (the ServiceAccount admission plugin copies them only at Pod creation, and only into
   * a Pod that lists none).
   *
   * @param controller the Pod's controller, or null for a Pod without one
   */
  public record PodPredatesServiceAccount(
      String serviceAccount, List<String> serviceAccountSecrets, Controller controller)
      implements Cause {}

  /**
   * Neither the Pod nor its ServiceAccount names a pull Secret, and the namespace is not opted out
   * of a policy.
   *
   * @param selectingPolicies the policies that select the Pod's namespace, sorted
   * @param policiesKnown whether the policies (and the namespace) could be read: only then does an
   *     empty {@code selectingPolicies} mean that no policy selects the namespace
   */
  public record NoPullSecret(
      String serviceAccount,
      boolean serviceAccountExists,
      String registry,
      List<String> selectingPolicies,
      boolean policiesKnown)
      implements Cause {}

  /**
   * Neither the Pod nor its ServiceAccount names a pull Secret, and the namespace opts out
   * (annotation {@code pullpolicy.dev/ignore: "true"}) of policies that would otherwise select it.
   *
   * @param policies those policies, sorted
   */
  public record NamespaceOptedOut(String serviceAccount, String registry, List<String> policies)
      implements Cause {}

  /**
   * The Pod's pull Secrets may not be read with the caller's credentials.
   *
   * @param kubeletError the kubelet's raw error when the container waits with one (what it writes
   *     when a pull Secret cannot be parsed), else null
   */
  public record SecretsUnreadable(List<String> secrets, String kubeletError) implements Cause {}

  /**
   * A pull Secret the Pod names makes the kubelet's keyring build fail: it pulls no image of the
   * Pod and asks no registry.
   *
   * @param problem the shared parser's reason, naming JSON fields and registries, never values
   * @param kubeletError the error the kubelet wrote as the container's waiting reason, or null
   */
  public record SecretUnparsable(String secret, String problem, String kubeletError)
      implements Cause {}

  /**
   * A credential of the Pod's Secrets matches the image, and the registry's answer is not known:
   * the image or tag may be wrong, or the registry may reject the credential.
   *
   * @param key the {@code auths} key as users read it (without user-info)
   * @param imageName the image's repository name, {@code canonical} its full reference
   * @param tries how many credentials of the Pod's Secrets the kubelet tries for the image
   * @param orderFixed false when the order of those tries is not fixed
   */
  public record CredentialMatches(
      String secret, String key, String imageName, String canonical, int tries, boolean orderFixed)
      implements Cause {}

  /**
   * A credential of the Pod's Secrets matches the image, was sent, and the registry refused it:
   * rejected it (401) or refused access with it (403, denied).
   *
   * @param secret the Secret of the first credential the kubelet tries
   * @param tries how many credentials of the Pod's Secrets the kubelet tries (each was refused)
   * @param orderFixed false when the order of those tries is not fixed
   */
  public record CredentialRejected(
      String registry,
      String secret,
      String key,
      int tries,
      boolean orderFixed,
      RegistryAnswer answer)
      implements Cause {}

  /**
   * The registry answered that the image (repository, tag or digest) does not exist.
   *
   * @param secret the Secret whose credential was tried, or null when none of the Pod's matches
   */
  public record ImageNotFound(
      String canonical, String registry, String secret, RegistryAnswer answer) implements Cause {}

  /** No registry answered: its name does not resolve, nothing listens, TLS fails, or a timeout. */
  public record RegistryUnreachable(String registry, RegistryAnswer answer) implements Cause {}

  /**
   * A pull Secret the Pod names does not exist.
   *
   * @param policy the policy whose target name it is, or null
   */
  public record SecretMissing(String secret, String policy) implements Cause {}

  /**
   * A pull Secret the Pod names is skipped by the kubelet: not of a pull-Secret type, or without
   * its data key.
   *
   * @param problem what is wrong with it
   * @param policy the policy whose target name it is, or null
   */
  public record SecretWrongType(String secret, String problem, String policy) implements Cause {}

  /**
   * The Pod's Secrets cover other registries only.
   *
   * @param covered the registries the kubelet indexes from them, as users read them
   */
  public record NoMatchingCredential(String registry, String imageName, List<String> covered)
      implements Cause {}

  /** The image reference itself is invalid (the kubelet: InvalidImageName). */
  public record InvalidImage(String problem) implements Cause {}

  /**
   * The container's {@code imagePullPolicy} is Never and the kubelet will not use the image on the
   * node: it is not there, or it is but this Pod's credentials may not use it (the kubelet says the
   * same in both cases).
   *
   * @param node the Pod's node, or null
   */
  public record ImageNeverPulled(String image, String node) implements Cause {}

  /**
   * The kubelet failed the image step for a reason doctor has no more to say about (an inspection
   * error, a signature check, an error of the kubelet's image manager): its own words.
   */
  public record ImageError(String reason, String message) implements Cause {}
}
