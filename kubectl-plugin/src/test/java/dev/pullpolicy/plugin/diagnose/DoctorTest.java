package dev.pullpolicy.plugin.diagnose;

import static dev.pullpolicy.plugin.Fixtures.auths;
import static dev.pullpolicy.plugin.Fixtures.failingPod;
import static dev.pullpolicy.plugin.Fixtures.namespace;
import static dev.pullpolicy.plugin.Fixtures.policy;
import static dev.pullpolicy.plugin.Fixtures.pullSecret;
import static dev.pullpolicy.plugin.Fixtures.serviceAccount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DoctorTest {

  private static final Function<String, PullSecret> SECRETS =
      name ->
          switch (name) {
            case "acme" ->
                PullSecrets.read(
                    pullSecret("team", "acme", auths("registry.acme.io", "*.acme.dev:5000"), null));
            case "opaque" ->
                PullSecrets.read(
                    new SecretBuilder()
                        .withNewMetadata()
                        .withName("opaque")
                        .endMetadata()
                        .withType("Opaque")
                        .build());
            case "broken" -> PullSecrets.read(pullSecret("team", "broken", "{not json", null));
            case "badauth" ->
                PullSecrets.read(
                    pullSecret(
                        "team", "badauth", "{\"auths\":{\"x.io\":{\"auth\":\"%%%\"}}}", null));
            case "cased" ->
                PullSecrets.read(
                    pullSecret(
                        "team",
                        "cased",
                        "{\"Auths\":{\"registry.acme.io\":{\"Username\":\"u\",\"auth\":null}}}",
                        null));
            case "nokey" ->
                PullSecrets.read(
                    new SecretBuilder()
                        .withNewMetadata()
                        .withName("nokey")
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .build());
            default -> PullSecrets.missing(name);
          };

  private static Cause cause(Pod pod, Optional<ServiceAccount> sa) {
    return Doctor.diagnose(pod, sa, SECRETS, List.of()).get(0).cause();
  }

  @Test
  void podCreatedBeforeItsServiceAccountWasPatchedMustBeRecreated() {
    Pod pod = failingPod("team", "web", "registry.acme.io/app:1");
    List<Finding> findings =
        Doctor.diagnose(
            pod, Optional.of(serviceAccount("team", "default", "acme")), SECRETS, List.of());
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo(Cause.PodPredatesServiceAccount);
              assertThat(f.fix()).startsWith("recreate the Pod");
            });
  }

  @Test
  void tellsTheCausesApart() {
    var sa = Optional.of(serviceAccount("team", "default"));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1"), sa))
        .isEqualTo(Cause.NoPullSecret);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "gone"), sa))
        .isEqualTo(Cause.SecretMissing);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "opaque"), sa))
        .isEqualTo(Cause.SecretWrongType);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "broken"), sa))
        .isEqualTo(Cause.SecretUnparsable);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "badauth"), sa))
        .isEqualTo(Cause.SecretUnparsable);
    assertThat(cause(failingPod("team", "p", "ghcr.io/org/app:1", "acme"), sa))
        .isEqualTo(Cause.NoMatchingCredential);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "acme"), sa))
        .isEqualTo(Cause.CredentialMatches);
    assertThat(cause(failingPod("team", "p", "eu.acme.dev:5000/app", "acme"), sa))
        .isEqualTo(Cause.CredentialMatches);
    assertThat(cause(failingPod("team", "p", "eu.acme.dev/app", "acme"), sa))
        .isEqualTo(Cause.NoMatchingCredential);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "gone", "acme"), sa))
        .as("a missing Secret beside a matching one is not why the pull fails")
        .isEqualTo(Cause.CredentialMatches);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "cased"), sa))
        .as("the kubelet reads JSON field names case-insensitively and allows null")
        .isEqualTo(Cause.CredentialMatches);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "nokey", "acme"), sa))
        .as("the kubelet skips a Secret without its data key and uses the others")
        .isEqualTo(Cause.CredentialMatches);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "acme", "broken"), sa))
        .as("one Secret the kubelet cannot read fails the whole keyring")
        .isEqualTo(Cause.SecretUnparsable);
    assertThat(
            Doctor.diagnose(
                    failingPod("team", "p", "registry.acme.io/app", "acme"),
                    sa,
                    n -> PullSecrets.forbidden(n),
                    List.of())
                .get(0)
                .cause())
        .isEqualTo(Cause.SecretsUnreadable);
  }

  @Test
  void printsCauseAndFixPerContainer() {
    var sa = Optional.of(serviceAccount("team", "default"));
    List<Finding> findings =
        Doctor.diagnose(
            failingPod("team", "web", "ghcr.io/org/app:1", "acme"), sa, SECRETS, List.of());
    List<Doctor.Lacking> lacking =
        Doctor.lackingEntries(
            List.of(policy("acme", "True", 1, 1)),
            List.of(namespace("team")),
            n -> List.of(serviceAccount("team", "default")));
    String out =
        DoctorPrinter.print(
            "namespace team", findings, lacking, List.of(), Format.TABLE, false, Style.plain());
    assertThat(out)
        .isEqualTo(
            """
            Pod team/web, container app (ImagePullBackOff): NoMatchingCredential
              image: ghcr.io/org/app:1
              why:   no credential from the Pod's Secrets matches registry ghcr.io (image ghcr.io/org/app); they cover registry.acme.io, *.acme.dev:5000; the node's own credentials or a credential-provider plugin may still apply
              fix:   add a credential for ghcr.io to a source Secret, or fix the image's registry

            ServiceAccounts without their policy's imagePullSecrets entry:
            NAMESPACE   SERVICEACCOUNT   POLICY   SECRET
            team        default          acme     acme

            1 container cannot pull, 1 ServiceAccount without its entry.
            """);
  }

  @Test
  void saysWhenAllIsWell() {
    String out =
        DoctorPrinter.print(
            "namespace team", List.of(), List.of(), List.of(), Format.TABLE, false, Style.plain());
    assertThat(out)
        .isEqualTo(
            "No problem found: no Pod in namespace team waits on an image pull, and every selected"
                + " ServiceAccount has its entry.\n");
  }

  @Test
  void findsInitContainersToo() {
    Pod pod = failingPod("team", "web", "registry.acme.io/app:1");
    var status = pod.getStatus().getContainerStatuses().get(0);
    pod.getStatus().setInitContainerStatuses(List.of(status));
    pod.getStatus().setContainerStatuses(List.of());
    pod.getSpec().setInitContainers(pod.getSpec().getContainers());
    assertThat(Doctor.failingContainers(pod)).hasSize(1);
    assertThat(Map.of()).isEmpty();
  }
}
