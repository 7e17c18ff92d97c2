package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.Keyring;
import dev.pullpolicy.api.kubelet.PullSecret;
import java.util.List;
import java.util.Optional;

/**
 * What the kubelet would do for an image with some pull Secrets: those of a ServiceAccount in a
 * namespace, or those read from a file.
 *
 * @param serviceAccountFound whether the ServiceAccount exists (false when read from a file)
 * @param file the docker config or Secret manifest read instead of a cluster, or null
 * @param secrets the pull Secrets as the kubelet would read them, in the Pod's order
 * @param lookup the credentials it would try, in order (none when a Secret makes the keyring fail)
 */
public record Explanation(
    String input,
    ImageReference image,
    String namespace,
    String serviceAccount,
    boolean serviceAccountFound,
    String file,
    List<PullSecret> secrets,
    Keyring.Lookup lookup) {

  /** Builds the explanation from the ServiceAccount's pull Secrets. */
  public static Explanation of(
      String input,
      ImageReference image,
      String namespace,
      String serviceAccount,
      boolean serviceAccountFound,
      List<PullSecret> secrets) {
    return new Explanation(
        input,
        image,
        namespace,
        serviceAccount,
        serviceAccountFound,
        null,
        secrets,
        lookup(image, secrets));
  }

  /** Builds the explanation from pull Secrets read from a file, without a cluster. */
  public static Explanation offline(
      String input, ImageReference image, String file, List<PullSecret> secrets) {
    return new Explanation(input, image, null, null, false, file, secrets, lookup(image, secrets));
  }

  private static Keyring.Lookup lookup(ImageReference image, List<PullSecret> secrets) {
    if (secrets.stream().anyMatch(PullSecret::refused)) {
      return new Keyring.Lookup(List.of(), true);
    }
    return Keyring.of(secrets).lookup(image);
  }

  /** The first Secret that makes the kubelet's keyring build fail (then nothing is pulled). */
  public Optional<PullSecret> refused() {
    return secrets.stream().filter(PullSecret::refused).findFirst();
  }
}
