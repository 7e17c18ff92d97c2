package dev.pullpolicy.plugin.diagnose;

/**
 * Why one container of a Pod cannot pull its image, and what to do.
 *
 * @param waiting the container's waiting reason (ErrImagePull or ImagePullBackOff)
 * @param detail why, in one or two sentences; never credential data
 * @param fix what to do about it
 */
public record Finding(
    String namespace,
    String pod,
    String container,
    String image,
    String waiting,
    Cause cause,
    String detail,
    String fix) {

  /** The causes doctor tells apart. */
  public enum Cause {
    /** The Pod lists no pull Secret but its ServiceAccount has some now. */
    PodPredatesServiceAccount,
    /** Neither the Pod nor its ServiceAccount names a pull Secret. */
    NoPullSecret,
    /** A pull Secret the Pod names does not exist. */
    SecretMissing,
    /** A pull Secret the Pod names is not of a pull-Secret type. */
    SecretWrongType,
    /** A pull Secret the Pod names cannot be parsed (the kubelet then uses none). */
    SecretUnparsable,
    /** The Pod's Secrets cover other registries only. */
    NoMatchingCredential,
    /** A credential matches: the image or tag is wrong, or the registry rejects it. */
    CredentialMatches,
    /** The image reference itself is invalid. */
    InvalidImage,
    /** The caller may not read Secrets, so credentials could not be checked. */
    SecretsUnreadable
  }
}
