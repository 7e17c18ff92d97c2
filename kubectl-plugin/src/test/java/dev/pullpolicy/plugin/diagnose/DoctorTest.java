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
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
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

  private static Finding finding(Pod pod, Optional<ServiceAccount> sa) {
    return Doctor.diagnose(pod, sa, SECRETS, List.of()).get(0);
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
              assertThat(f.cause())
                  .isEqualTo(new PodPredatesServiceAccount("default", List.of("acme")));
              assertThat(DoctorPrinter.fix(f)).startsWith("recreate the Pod");
            });
  }

  @Test
  void tellsTheCausesApartWithTheirFacts() {
    var sa = Optional.of(serviceAccount("team", "default"));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1"), sa))
        .isEqualTo(new NoPullSecret("default", true, "registry.acme.io", List.of()));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1"), Optional.empty()))
        .isEqualTo(new NoPullSecret("default", false, "registry.acme.io", List.of()));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "gone"), sa))
        .isEqualTo(new SecretMissing("gone", null));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "opaque"), sa))
        .isInstanceOf(SecretWrongType.class)
        .extracting(c -> ((SecretWrongType) c).secret())
        .isEqualTo("opaque");
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "broken"), sa))
        .isInstanceOf(SecretUnparsable.class);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "badauth"), sa))
        .isInstanceOf(SecretUnparsable.class)
        .extracting(c -> ((SecretUnparsable) c).secret())
        .isEqualTo("badauth");
    assertThat(cause(failingPod("team", "p", "ghcr.io/org/app:1", "acme"), sa))
        .isEqualTo(
            new NoMatchingCredential(
                "ghcr.io", "ghcr.io/org/app", List.of("registry.acme.io", "*.acme.dev:5000")));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "acme"), sa))
        .isEqualTo(
            new CredentialMatches(
                "acme", "registry.acme.io", "registry.acme.io/app", "registry.acme.io/app:1"));
    assertThat(cause(failingPod("team", "p", "eu.acme.dev:5000/app", "acme"), sa))
        .isInstanceOf(CredentialMatches.class)
        .extracting(c -> ((CredentialMatches) c).key())
        .isEqualTo("*.acme.dev:5000");
    assertThat(cause(failingPod("team", "p", "eu.acme.dev/app", "acme"), sa))
        .isInstanceOf(NoMatchingCredential.class);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "gone", "acme"), sa))
        .as("a missing Secret beside a matching one is not why the pull fails")
        .isInstanceOf(CredentialMatches.class);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "cased"), sa))
        .as("the kubelet reads JSON field names case-insensitively and allows null")
        .isInstanceOf(CredentialMatches.class);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "nokey", "acme"), sa))
        .as("the kubelet skips a Secret without its data key and uses the others")
        .isInstanceOf(CredentialMatches.class);
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "nokey"), sa))
        .as("a Secret without its data key alone")
        .isEqualTo(new SecretWrongType("nokey", "has no .dockerconfigjson key", null));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1", "acme", "broken"), sa))
        .as("one Secret the kubelet cannot read fails the whole keyring")
        .isInstanceOf(SecretUnparsable.class)
        .extracting(c -> ((SecretUnparsable) c).secret())
        .isEqualTo("broken");
    assertThat(cause(failingPod("team", "p", "REGISTRY/App", "acme"), sa))
        .isInstanceOf(InvalidImage.class);
    assertThat(
            Doctor.diagnose(
                    failingPod("team", "p", "registry.acme.io/app", "acme"),
                    sa,
                    n -> PullSecrets.forbidden(n),
                    List.of())
                .get(0)
                .cause())
        .isEqualTo(new SecretsUnreadable(List.of("acme")));
  }

  @Test
  void namesThePolicyThatShouldHaveMadeAMissingSecret() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Pod pod = failingPod("team", "p", "registry.acme.io/app:1", "gone");
    Finding f = Doctor.diagnose(pod, sa, SECRETS, List.of(policy("gone", "False", 0, 1))).get(0);
    assertThat(f.cause()).isEqualTo(new SecretMissing("gone", "gone"));
    assertThat(DoctorPrinter.fix(f))
        .isEqualTo(
            "create Secret gone in team; PullCredentialPolicy gone should make it: see kubectl"
                + " pullpolicy status gone");
  }

  @Test
  void lackingEntriesFollowTheOperatorsSelection() {
    var withSelector = policy("acme", "True", 1, 1);
    ServiceAccountSelection all = new ServiceAccountSelection();
    all.setSelector(new LabelSelector());
    withSelector.getSpec().setServiceAccounts(all);
    var byDefault = policy("zed", "True", 1, 1);
    List<ServiceAccount> sas =
        List.of(serviceAccount("team", "default"), serviceAccount("team", "builder", "acme"));
    assertThat(
            Doctor.lackingEntries(
                List.of(withSelector, byDefault), List.of(namespace("team")), n -> sas))
        .containsExactly(
            new Doctor.Lacking("team", "default", "acme", "acme"),
            new Doctor.Lacking("team", "default", "zed", "zed"));
    assertThat(
            Doctor.lackingEntries(
                List.of(withSelector),
                List.of(namespace("team", Map.of("pullpolicy.dev/ignore", "True"))),
                n -> sas))
        .as("an opted-out namespace lacks nothing")
        .isEmpty();
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

  /** The words of the causes whose meaning follows the kubelet: what it skips, refuses, tries. */
  @Test
  void saysWhatTheKubeletDoesAndNoMore() {
    var sa = Optional.of(serviceAccount("team", "default"));
    assertThat(DoctorPrinter.why(finding(failingPod("team", "p", "registry.acme.io/app:1"), sa)))
        .isEqualTo(
            "neither the Pod nor its ServiceAccount default lists an imagePullSecret, so no"
                + " credential from the Pod's Secrets applies to registry.acme.io; the node's own"
                + " credentials or a credential-provider plugin may still apply");
    assertThat(
            DoctorPrinter.why(
                finding(failingPod("team", "p", "registry.acme.io/app:1", "acme", "badauth"), sa)))
        .isEqualTo(
            "Secret badauth .dockerconfigjson: registry x.io: \"auth\" is not valid base64; the"
                + " kubelet's keyring then fails and no image of this Pod is pulled, not even"
                + " anonymously");
    assertThat(
            DoctorPrinter.why(
                finding(failingPod("team", "p", "registry.acme.io/app:1", "opaque"), sa)))
        .isEqualTo(
            "Secret opaque has type Opaque, not kubernetes.io/dockerconfigjson or"
                + " kubernetes.io/dockercfg (the Pod names it in imagePullSecrets)");
    assertThat(
            DoctorPrinter.why(
                finding(failingPod("team", "p", "registry.acme.io/app:1", "nokey"), sa)))
        .isEqualTo(
            "Secret nokey has no .dockerconfigjson key (the Pod names it in imagePullSecrets)");
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
  void findsInitContainersAndTheImageOfTheirSpec() {
    Pod pod = failingPod("team", "web", "registry.acme.io/app:1", "acme");
    var status = pod.getStatus().getContainerStatuses().get(0);
    status.setName("init");
    status.setImage("what-the-runtime-resolved");
    pod.getStatus().setInitContainerStatuses(List.of(status));
    pod.getStatus().setContainerStatuses(List.of());
    pod.getSpec()
        .setInitContainers(
            List.of(
                new ContainerBuilder().withName("init").withImage("ghcr.io/org/init:1").build()));
    List<Finding> findings =
        Doctor.diagnose(pod, Optional.of(serviceAccount("team", "default")), SECRETS, List.of());
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.container()).isEqualTo("init");
              assertThat(f.image()).isEqualTo("ghcr.io/org/init:1");
              assertThat(f.cause()).isInstanceOf(NoMatchingCredential.class);
            });
  }
}
