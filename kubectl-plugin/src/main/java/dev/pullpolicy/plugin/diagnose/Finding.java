package dev.pullpolicy.plugin.diagnose;

import java.util.List;

/**
 * Why one container of a Pod cannot pull its image: the cause with the facts that establish it.
 * Data only: the words (why, what to do) are the printer's.
 *
 * @param waiting the container's waiting reason (ErrImagePull or ImagePullBackOff)
 */
public record Finding(
    String namespace, String pod, String container, String image, String waiting, Cause cause) {

  /** A cause doctor tells apart, with its facts; never credential data. */
  public sealed interface Cause {
    /** The cause's name, as printed and in {@code -o json}. */
    default String kind() {
      return getClass().getSimpleName();
    }
  }

  /**
   * The Pod lists no pull Secret but its ServiceAccount has some now: it was created before they
   * were added (the ServiceAccount admission plugin copies them only at Pod creation).
   */
  public record PodPredatesServiceAccount(String serviceAccount, List<String> serviceAccountSecrets)
      implements Cause {}

  /**
   * Neither the Pod nor its ServiceAccount names a pull Secret.
   *
   * @param selectingPolicies the policies that select the Pod's namespace, sorted
   */
  public record NoPullSecret(
      String serviceAccount,
      boolean serviceAccountExists,
      String registry,
      List<String> selectingPolicies)
      implements Cause {}

  /** The Pod's pull Secrets may not be read with the caller's credentials. */
  public record SecretsUnreadable(List<String> secrets) implements Cause {}

  /**
   * A pull Secret the Pod names makes the kubelet's keyring build fail: no image of the Pod is
   * pulled, not even anonymously.
   *
   * @param problem the kubelet's reason, naming JSON fields and registries, never values
   */
  public record SecretUnparsable(String secret, String problem) implements Cause {}

  /**
   * A credential matches the image: the image or tag is wrong, or the registry rejects it.
   *
   * @param key the {@code auths} key as users read it (without user-info)
   * @param imageName the image's repository name, {@code canonical} its full reference
   */
  public record CredentialMatches(String secret, String key, String imageName, String canonical)
      implements Cause {}

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

  /** The image reference itself is invalid. */
  public record InvalidImage(String problem) implements Cause {}
}
