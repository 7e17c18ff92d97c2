package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.plugin.cluster.PullSecret;
import dev.pullpolicy.plugin.image.ImageReference;
import dev.pullpolicy.plugin.image.Keyring;
import java.util.List;

/**
 * What the kubelet would do for an image in a namespace with a ServiceAccount.
 *
 * @param serviceAccountFound whether the ServiceAccount exists
 * @param secrets the ServiceAccount's pull Secrets as the kubelet would read them
 * @param matches the credentials it would try, in order
 */
public record Explanation(
    String input,
    ImageReference image,
    String namespace,
    String serviceAccount,
    boolean serviceAccountFound,
    List<PullSecret> secrets,
    List<Keyring.Match> matches) {

  /** Builds the explanation from the ServiceAccount's pull Secrets. */
  public static Explanation of(
      String input,
      ImageReference image,
      String namespace,
      String serviceAccount,
      boolean serviceAccountFound,
      List<PullSecret> secrets) {
    Keyring keyring = new Keyring();
    boolean unparsable =
        secrets.stream().anyMatch(s -> s.problem() == PullSecret.Problem.UNPARSABLE);
    if (!unparsable) {
      secrets.stream().filter(PullSecret::usable).forEach(s -> keyring.add(s.name(), s.keys()));
    }
    return new Explanation(
        input,
        image,
        namespace,
        serviceAccount,
        serviceAccountFound,
        secrets,
        keyring.lookup(image));
  }
}
