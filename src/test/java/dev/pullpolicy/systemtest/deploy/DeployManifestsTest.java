package dev.pullpolicy.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What {@code deploy/} promises, read from the files alone (no cluster): labels, order, least
 * privilege, a hardened Deployment, and an image reference equal to what the image build makes.
 */
class DeployManifestsTest {

  private static final Path ROOT = repoRoot();
  private static final DeployFolder DEPLOY = new DeployFolder(ROOT);

  @Test
  void everyObjectCarriesTheNameLabel() {
    assertThat(DEPLOY.objects())
        .isNotEmpty()
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .as("%s %s", o.getKind(), o.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/name", "pullpolicy"));
  }

  @Test
  void namespaceIsAppliedFirstAndHoldsEveryNamespacedObject() {
    List<GenericKubernetesResource> objects = DEPLOY.objects();
    assertThat(objects.get(0).getKind()).isEqualTo("Namespace");
    assertThat(objects.get(0).getMetadata().getName()).isEqualTo(DeployFolder.NAMESPACE);
    assertThat(objects.get(0).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertThat(objects)
        .filteredOn(
            o -> !List.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(o.getKind()))
        .allSatisfy(
            o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(DeployFolder.NAMESPACE));
  }

  @Test
  void kustomizationListsEveryManifestAndIsNotAppliedByKubectlApplyF() throws IOException {
    // kubectl apply -f deploy/ reads every *.yaml/*.yml/*.json: a kustomization.yaml there
    // would be sent to the server as an object and fail the one-step install.
    try (Stream<Path> files = Files.list(DEPLOY.dir())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .contains("Kustomization")
          .doesNotContain("kustomization.yaml", "kustomization.yml");
    }
    assertThat(DEPLOY.kustomization().get("resources"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyElementsOf(
            DEPLOY.manifestFiles().stream().map(f -> f.getFileName().toString()).toList());
  }

  @Test
  void rbacHasNoWildcardsAndLeasesOnlyInTheOperatorsNamespace() {
    ClusterRole clusterRole =
        DEPLOY.object("ClusterRole", DeployFolder.SERVICE_ACCOUNT, ClusterRole.class);
    Role role = DEPLOY.object("Role", "pullpolicy-leader-election", Role.class);
    for (PolicyRule rule :
        Stream.concat(clusterRole.getRules().stream(), role.getRules().stream()).toList()) {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
    assertThat(clusterRole.getRules()).noneMatch(r -> r.getResources().contains("leases"));
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("leases");
              assertThat(r.getVerbs())
                  .containsExactlyInAnyOrder("get", "create", "update", "patch");
            });
  }

  @Test
  void deploymentRunsTwoHardenedReplicasWithProbesAndLimits() {
    Deployment deployment =
        DEPLOY.object("Deployment", DeployFolder.SERVICE_ACCOUNT, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(DeployFolder.SERVICE_ACCOUNT);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")))
        .isGreaterThanOrEqualTo(
            Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")));
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // A read-only root filesystem, but Quarkus and the JVM need a writable /tmp.
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
    Volume tmp =
        pod.getVolumes().stream()
            .filter(
                v -> c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(v.getName())))
            .findFirst()
            .orElseThrow();
    assertThat(tmp.getEmptyDir()).isNotNull();
    // The leader-election Lease lives in the Pod's namespace.
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals("POD_NAMESPACE"))
        .singleElement()
        .extracting(EnvVar::getValueFrom)
        .satisfies(v -> assertThat(v.getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
  }

  @Test
  void deploymentImageIsWhatTheImageBuildProduces() {
    String built = imageTheBuildProduces();
    Deployment deployment =
        DEPLOY.object("Deployment", DeployFolder.SERVICE_ACCOUNT, Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(built);
    @SuppressWarnings("unchecked")
    List<Map<String, String>> images =
        (List<Map<String, String>>) DEPLOY.kustomization().get("images");
    assertThat(images)
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.get("newName") + ":" + i.get("newTag"))
                    .as("deploy/Kustomization images")
                    .isEqualTo(built));
  }

  @Test
  void deploymentImageIsTheOneTheOperatorBuildReports() {
    // Quarkus's Kubernetes extension (brought by the Operator SDK) writes the image reference
    // the container-image build uses into the manifest it generates on every build. A build
    // with -Dquarkus.container-image.registry/group for a push changes those parts, so the
    // image's name and tag are compared here, the whole reference by the test above.
    Path generated = ROOT.resolve("operator/target/kubernetes/kubernetes.yml");
    Assumptions.assumeTrue(Files.exists(generated), "the operator is not built: " + generated);
    List<String> images =
        DeployFolder.read(generated)
            .lines()
            .map(String::strip)
            .filter(l -> l.startsWith("image: "))
            .map(l -> l.substring("image: ".length()).strip())
            .distinct()
            .toList();
    Deployment deployment =
        DEPLOY.object("Deployment", DeployFolder.SERVICE_ACCOUNT, Deployment.class);
    String ours = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    assertThat(images)
        .as(generated.toString())
        .singleElement()
        .satisfies(built -> assertThat(nameAndTag(ours)).isEqualTo(nameAndTag(built)));
  }

  private static String nameAndTag(String image) {
    return image.substring(image.lastIndexOf('/') + 1);
  }

  /**
   * The reference Quarkus's container-image extension gives the image: [registry/]group/name:tag
   * from operator/src/main/resources/application.properties, the tag defaulting to the version.
   */
  private static String imageTheBuildProduces() {
    Properties p = new Properties();
    try (InputStream in =
        Files.newInputStream(ROOT.resolve("operator/src/main/resources/application.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String registry = p.getProperty("quarkus.container-image.registry", "");
    String group = p.getProperty("quarkus.container-image.group");
    String name = p.getProperty("quarkus.container-image.name");
    String tag = p.getProperty("quarkus.container-image.tag", projectVersion());
    assertThat(group).as("quarkus.container-image.group").isNotBlank();
    assertThat(name).as("quarkus.container-image.name").isNotBlank();
    return (registry.isBlank() ? "" : registry + "/") + group + "/" + name + ":" + tag;
  }

  private static String projectVersion() {
    try {
      var doc =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(ROOT.resolve("pom.xml").toFile());
      var children = doc.getDocumentElement().getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if (children.item(i) instanceof Element e && e.getTagName().equals("version")) {
          return e.getTextContent().strip();
        }
      }
      throw new IllegalStateException("no <version> in pom.xml");
    } catch (Exception e) {
      throw new IllegalStateException("reading the project version from pom.xml", e);
    }
  }

  private static Path repoRoot() {
    String root = System.getProperty("pullpolicy.root");
    Path p = (root != null ? Path.of(root) : Path.of("")).toAbsolutePath().normalize();
    while (p != null && !Files.isDirectory(p.resolve("deploy"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the repository root (deploy/)");
    }
    return p;
  }
}
