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
import dev.pullpolicy.plugin.diagnose.Doctor.NamespacePolicies;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialRejected;
import dev.pullpolicy.plugin.diagnose.Finding.ImageError;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNeverPulled;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNotFound;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NamespaceOptedOut;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.RegistryUnreachable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
import dev.pullpolicy.plugin.print.DoctorPrinter;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
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

  private static Doctor.Context context(Optional<ServiceAccount> sa) {
    return new Doctor.Context(sa, SECRETS, NamespacePolicies.unknown(), List.of());
  }

  private static Cause cause(Pod pod, Optional<ServiceAccount> sa) {
    return Doctor.diagnose(pod, context(sa)).get(0).cause();
  }

  private static Finding finding(Pod pod, Optional<ServiceAccount> sa) {
    return Doctor.diagnose(pod, context(sa)).get(0);
  }

  @Test
  void podCreatedBeforeItsServiceAccountWasPatchedMustBeRecreated() {
    Pod pod = failingPod("team", "web", "registry.acme.io/app:1");
    List<Finding> findings =
        Doctor.diagnose(pod, context(Optional.of(serviceAccount("team", "default", "acme"))));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause())
                  .isEqualTo(new PodPredatesServiceAccount("default", List.of("acme"), null));
              assertThat(DoctorPrinter.fix(f))
                  .isEqualTo(
                      "recreate the Pod (it has no controller): kubectl get pod -n team web -o"
                          + " yaml | kubectl replace --force -f -");
            });
  }

  @Test
  void tellsTheCausesApartWithTheirFacts() {
    var sa = Optional.of(serviceAccount("team", "default"));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1"), sa))
        .isEqualTo(new NoPullSecret("default", true, "registry.acme.io", List.of(), false));
    assertThat(cause(failingPod("team", "p", "registry.acme.io/app:1"), Optional.empty()))
        .isEqualTo(new NoPullSecret("default", false, "registry.acme.io", List.of(), false));
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
                "acme",
                "registry.acme.io",
                "registry.acme.io/app",
                "registry.acme.io/app:1",
                1,
                true));
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
                    new Doctor.Context(
                        sa, PullSecrets::forbidden, NamespacePolicies.unknown(), List.of()))
                .get(0)
                .cause())
        .isEqualTo(new SecretsUnreadable(List.of("acme"), null));
  }

  @Test
  void namesThePolicyThatShouldHaveMadeAMissingSecret() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Pod pod = failingPod("team", "p", "registry.acme.io/app:1", "gone");
    Finding f =
        Doctor.diagnose(
                pod,
                new Doctor.Context(
                    sa,
                    SECRETS,
                    NamespacePolicies.of(List.of(policy("gone", "False", 0, 1)), namespace("team")),
                    List.of()))
            .get(0);
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
        Doctor.diagnose(failingPod("team", "web", "ghcr.io/org/app:1", "acme"), context(sa));
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
              image:   ghcr.io/org/app:1
              why:     no credential from the Pod's Secrets matches registry ghcr.io (image ghcr.io/org/app); they cover registry.acme.io, *.acme.dev:5000; the node's own credentials or a credential-provider plugin may still apply
              fix:     add a credential for ghcr.io to a source Secret, or fix the image's registry

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
                + " kubelet cannot build its keyring from the Pod's Secrets, so it pulls no image"
                + " of this Pod and asks no registry");
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
        Doctor.diagnose(pod, context(Optional.of(serviceAccount("team", "default"))));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.container()).isEqualTo("init");
              assertThat(f.image()).isEqualTo("ghcr.io/org/init:1");
              assertThat(f.cause()).isInstanceOf(NoMatchingCredential.class);
            });
  }

  /** Sets container app's waiting state as the kubelet writes it. */
  private static Pod waiting(Pod pod, String reason, String message) {
    var w = pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
    w.setReason(reason);
    w.setMessage(message);
    return pod;
  }

  private static Event event(Pod pod, String reason, String message, String time) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(pod.getMetadata().getName() + "." + time)
        .withNamespace(pod.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("Pod")
        .withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid())
        .withFieldPath("spec.containers{app}")
        .endInvolvedObject()
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withLastTimestamp(time)
        .build();
  }

  private static final String RAW = "illegal base64 data at input byte 0";

  @Test
  void anUnparsableSecretIsFoundByTheRawErrorTheKubeletWritesAsReason() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Pod pod =
        waiting(failingPod("team", "p", "registry.acme.io/app:1", "acme", "badauth"), RAW, RAW);

    assertThat(Doctor.imageFailures(pod)).hasSize(1);
    Finding f = finding(pod, sa);
    assertThat(f.waiting()).isEqualTo(RAW);
    assertThat(f.cause())
        .isEqualTo(
            new SecretUnparsable(
                "badauth", ".dockerconfigjson: registry x.io: \"auth\" is not valid base64", RAW));
    assertThat(DoctorPrinter.why(f))
        .isEqualTo(
            "Secret badauth .dockerconfigjson: registry x.io: \"auth\" is not valid base64; the"
                + " kubelet cannot build its keyring from the Pod's Secrets (it says: illegal"
                + " base64 data at input byte 0), so it pulls no image of this Pod and asks no"
                + " registry");
  }

  @Test
  void aRawErrorWithoutAnUnparsableSecretIsGivenInTheKubeletsWords() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Finding f =
        finding(
            waiting(
                failingPod("team", "p", "registry.acme.io/app:1", "acme"),
                "failed to record image pull intent",
                "failed to record image pull intent"),
            sa);
    assertThat(f.cause())
        .isEqualTo(
            new ImageError(
                "failed to record image pull intent", "failed to record image pull intent"));
    assertThat(DoctorPrinter.why(f))
        .isEqualTo(
            "the kubelet's image step failed before any pull: failed to record image pull intent");
    assertThat(
            Doctor.diagnose(
                    waiting(failingPod("team", "p", "registry.acme.io/app", "acme"), RAW, RAW),
                    new Doctor.Context(
                        sa, PullSecrets::forbidden, NamespacePolicies.unknown(), List.of()))
                .get(0)
                .cause())
        .as("with unreadable Secrets the raw error is named, not explained")
        .isEqualTo(new SecretsUnreadable(List.of("acme"), RAW));
  }

  @Test
  void waitingReasonsThatAreNotAboutImagesAreLeftAlone() {
    for (String[] w :
        new String[][] {
          {"ContainerCreating", null},
          {"CrashLoopBackOff", "back-off 10s restarting failed container=app"},
          {"CreateContainerConfigError", "secret \"x\" not found"},
          {"RunContainerError", "RunContainerError"},
        }) {
      Pod pod = waiting(failingPod("team", "p", "registry.acme.io/app:1", "badauth"), w[0], w[1]);
      assertThat(Doctor.imageFailures(pod)).as(w[0]).isEmpty();
    }
  }

  @Test
  void theKubeletsOtherImageReasonsHaveTheirOwnCauses() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Finding never =
        finding(
            waiting(
                failingPod("team", "p", "registry.acme.io/app:1", "acme"),
                "ErrImageNeverPull",
                "Container image \"registry.acme.io/app:1\" is not present with pull policy of"
                    + " Never"),
            sa);
    assertThat(never.cause()).isEqualTo(new ImageNeverPulled("registry.acme.io/app:1", null));
    assertThat(DoctorPrinter.why(never))
        .isEqualTo(
            "imagePullPolicy is Never, and the kubelet will not use registry.acme.io/app:1: it is"
                + " not there, or it is but this Pod's credentials may not use it (the kubelet"
                + " says the same in both cases)");

    Finding invalid =
        finding(waiting(failingPod("team", "p", "Registry/App"), "InvalidImageName", "x"), sa);
    assertThat(invalid.cause()).isInstanceOf(InvalidImage.class);
    assertThat(((InvalidImage) invalid.cause()).problem()).startsWith("invalid image reference");

    Finding inspect =
        finding(
            waiting(
                failingPod("team", "p", "registry.acme.io/app:1"),
                "ImageInspectError",
                "Failed to inspect image \"\": rpc error"),
            sa);
    assertThat(inspect.cause())
        .isEqualTo(new ImageError("ImageInspectError", "Failed to inspect image \"\": rpc error"));
  }

  private static final String IMAGE = "registry.acme.io/app:1";
  private static final String PULL = "failed to pull and unpack image \"" + IMAGE + "\": ";

  @Test
  void theRegistrysAnswerInTheWaitingMessageSaysWhichItIs() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Pod pod = failingPod("team", "p", IMAGE, "acme");

    String rejected =
        PULL
            + "failed to resolve image: unexpected status from HEAD request to"
            + " https://registry.acme.io/v2/app/manifests/1: 401 Unauthorized";
    assertThat(cause(waiting(pod, "ErrImagePull", rejected), sa))
        .isEqualTo(
            new CredentialRejected(
                "registry.acme.io",
                "acme",
                "registry.acme.io",
                1,
                true,
                new RegistryAnswer(RegistryAnswer.Kind.CREDENTIAL_REJECTED, rejected)));

    String notFound =
        "rpc error: code = NotFound desc = "
            + PULL
            + "failed to resolve image: "
            + IMAGE
            + ": not found";
    assertThat(
            cause(
                waiting(
                    pod,
                    "ImagePullBackOff",
                    "Back-off pulling image \"" + IMAGE + "\": ErrImagePull: " + notFound),
                sa))
        .isEqualTo(
            new ImageNotFound(
                IMAGE,
                "registry.acme.io",
                "acme",
                new RegistryAnswer(RegistryAnswer.Kind.NOT_FOUND, notFound)));

    String dns =
        PULL
            + "failed to resolve image: failed to do request: Head"
            + " \"https://registry.acme.io/v2/app/manifests/1\": dial tcp: lookup registry.acme.io"
            + " on 127.0.0.53:53: no such host";
    Finding f = finding(waiting(pod, "ErrImagePull", dns), sa);
    assertThat(f.cause())
        .isEqualTo(
            new RegistryUnreachable(
                "registry.acme.io", new RegistryAnswer(RegistryAnswer.Kind.UNREACHABLE_DNS, dns)));
    assertThat(DoctorPrinter.why(f))
        .isEqualTo(
            "the registry's name does not resolve on the node (registry.acme.io); no registry"
                + " answered, so credentials played no part yet");
  }

  @Test
  void withoutAMessageTheNewestPullEventOfTheContainerSpeaks() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Pod pod = failingPod("team", "p", IMAGE, "acme");
    pod.getMetadata().setUid("uid-1");
    Pod other = failingPod("team", "p", IMAGE, "acme");
    other.getMetadata().setUid("uid-0"); // an earlier Pod of the same name
    String refused =
        PULL
            + "failed to resolve image: failed to do request: Head"
            + " \"https://registry.acme.io/v2/app/manifests/1\": dial tcp 10.0.0.9:443: connect:"
            + " connection refused";
    List<Event> events =
        List.of(
            event(
                pod,
                "Failed",
                "Failed to pull image \"" + IMAGE + "\": " + PULL + "x: not found",
                "2026-11-29T10:00:00Z"),
            event(
                pod,
                "Failed",
                "Failed to pull image \"" + IMAGE + "\": " + refused,
                "2026-11-29T10:00:05Z"),
            event(pod, "Failed", "Error: ErrImagePull", "2026-11-29T10:00:06Z"),
            event(
                other,
                "Failed",
                "Failed to pull image \"" + IMAGE + "\": 401 Unauthorized",
                "2026-11-29T10:00:09Z"));
    Cause c =
        Doctor.diagnose(pod, new Doctor.Context(sa, SECRETS, NamespacePolicies.unknown(), events))
            .get(0)
            .cause();
    assertThat(c)
        .isEqualTo(
            new RegistryUnreachable(
                "registry.acme.io",
                new RegistryAnswer(RegistryAnswer.Kind.UNREACHABLE_CONNECTION, refused)));
  }

  @Test
  void saysWhenTheOrderOfTheKubeletsTriesIsNotFixed() {
    var sa = Optional.of(serviceAccount("team", "default"));
    Function<String, PullSecret> twice =
        n ->
            PullSecrets.read(
                pullSecret(
                    "team", n, auths("registry.acme.io", "https://registry.acme.io/"), null));
    Pod pod = failingPod("team", "p", IMAGE, "twice");
    Finding f =
        Doctor.diagnose(pod, new Doctor.Context(sa, twice, NamespacePolicies.unknown(), List.of()))
            .get(0);
    assertThat(f.cause()).isInstanceOf(CredentialMatches.class);
    assertThat(((CredentialMatches) f.cause()).tries()).isEqualTo(2);
    assertThat(DoctorPrinter.why(f))
        .contains(
            "(the first of 2 credentials of the Pod's Secrets the kubelet tries, in an order that"
                + " is not fixed)");
  }

  @Test
  void anOptedOutNamespaceIsNamedWithThePoliciesItOptsOutOf() {
    var sa = Optional.of(serviceAccount("team-c", "default"));
    var policies =
        NamespacePolicies.of(
            List.of(policy("demo", "True", 1, 1), policy("other", "True", 1, 1)),
            namespace("team-c", Map.of("pullpolicy.dev/ignore", "true")));
    Finding f =
        Doctor.diagnose(
                failingPod("team-c", "web", IMAGE),
                new Doctor.Context(sa, SECRETS, policies, List.of()))
            .get(0);
    assertThat(f.cause())
        .isEqualTo(new NamespaceOptedOut("default", "registry.acme.io", List.of("demo", "other")));
    assertThat(DoctorPrinter.why(f))
        .isEqualTo(
            "neither the Pod nor its ServiceAccount default lists an imagePullSecret: namespace"
                + " team-c opts out (annotation pullpolicy.dev/ignore: \"true\") of"
                + " PullCredentialPolicy demo, other, which would select it otherwise; the node's"
                + " own credentials or a credential-provider plugin may still apply to"
                + " registry.acme.io");
    assertThat(DoctorPrinter.fix(f))
        .isEqualTo(
            "if Pods in team-c should pull from registry.acme.io, remove the opt-out (kubectl"
                + " annotate namespace team-c pullpolicy.dev/ignore-) and recreate the Pod once"
                + " ServiceAccount default has the entry; otherwise give the Pod an"
                + " imagePullSecret of its own");
  }

  @Test
  void aNamespaceNoPolicySelectsIsSaidSoOnlyWhenThePoliciesCouldBeRead() {
    var sa = Optional.of(serviceAccount("team", "default"));
    var none =
        NamespacePolicies.of(
            List.of(withInclude(policy("acme", "True", 1, 1), "prod-*")), namespace("team"));
    Finding f =
        Doctor.diagnose(
                failingPod("team", "web", IMAGE), new Doctor.Context(sa, SECRETS, none, List.of()))
            .get(0);
    assertThat(f.cause())
        .isEqualTo(new NoPullSecret("default", true, "registry.acme.io", List.of(), true));
    assertThat(DoctorPrinter.why(f))
        .isEqualTo(
            "neither the Pod nor its ServiceAccount default lists an imagePullSecret, so no"
                + " credential from the Pod's Secrets applies to registry.acme.io; no"
                + " PullCredentialPolicy selects namespace team; the node's own credentials or a"
                + " credential-provider plugin may still apply");
    assertThat(DoctorPrinter.why(finding(failingPod("team", "web", IMAGE), sa)))
        .doesNotContain("selects");
  }

  private static dev.pullpolicy.api.v1alpha1.PullCredentialPolicy withInclude(
      dev.pullpolicy.api.v1alpha1.PullCredentialPolicy p, String include) {
    var sel = new dev.pullpolicy.api.v1alpha1.NamespaceSelection();
    sel.setInclude(List.of(include));
    p.getSpec().setNamespaces(sel);
    return p;
  }

  @Test
  void aPodOfAControllerIsToldToUseFix() {
    Pod pod = failingPod("team", "web-7f9-abcde", IMAGE);
    pod.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("ReplicaSet")
                    .withName("web-7f9")
                    .withUid("rs-uid")
                    .withController(true)
                    .build()));
    Finding f = finding(pod, Optional.of(serviceAccount("team", "default", "acme")));
    assertThat(f.cause())
        .isEqualTo(
            new PodPredatesServiceAccount(
                "default",
                List.of("acme"),
                new Finding.Controller("apps/v1", "ReplicaSet", "web-7f9", "rs-uid")));
    assertThat(DoctorPrinter.fix(f))
        .isEqualTo(
            "recreate the Pod: kubectl pullpolicy doctor -n team --fix deletes it and its"
                + " ReplicaSet web-7f9 makes a new one (or kubectl delete pod -n team"
                + " web-7f9-abcde)");
  }
}
