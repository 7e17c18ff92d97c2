package dev.pullpolicy.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

  private static final List<String> CLUSTER_SCOPED =
      List.of(
          "Namespace",
          "ClusterRole",
          "ClusterRoleBinding",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding",
          "MutatingAdmissionPolicy",
          "MutatingAdmissionPolicyBinding");

  @Test
  void namespaceIsAppliedFirstAndHoldsEveryNamespacedObjectButTheEventsGrant() {
    List<GenericKubernetesResource> objects = DEPLOY.objects();
    assertThat(objects.get(0).getKind()).isEqualTo("Namespace");
    assertThat(objects.get(0).getMetadata().getName()).isEqualTo(DeployFolder.NAMESPACE);
    assertThat(objects.get(0).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertThat(objects)
        .filteredOn(o -> !CLUSTER_SCOPED.contains(o.getKind()))
        .filteredOn(o -> !o.getMetadata().getName().equals("pullpolicy-events"))
        .allSatisfy(
            o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(DeployFolder.NAMESPACE));
  }

  @Test
  void eventsAreGrantedOnlyInTheNamespaceWhereTheOperatorRecordsThem() {
    ClusterRole clusterRole =
        DEPLOY.object("ClusterRole", DeployFolder.SERVICE_ACCOUNT, ClusterRole.class);
    assertThat(clusterRole.getRules()).noneMatch(r -> r.getResources().contains("events"));
    Role events = DEPLOY.object("Role", "pullpolicy-events", Role.class);
    assertThat(events.getMetadata().getNamespace()).isEqualTo(DeployFolder.EVENT_NAMESPACE);
    assertThat(events.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).containsExactly("events");
              assertThat(r.getVerbs()).containsExactly("create");
            });
    RoleBinding binding = DEPLOY.object("RoleBinding", "pullpolicy-events", RoleBinding.class);
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(DeployFolder.EVENT_NAMESPACE);
    assertThat(binding.getRoleRef().getName()).isEqualTo("pullpolicy-events");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(DeployFolder.SERVICE_ACCOUNT);
              assertThat(s.getNamespace()).isEqualTo(DeployFolder.NAMESPACE);
            });
  }

  @Test
  void admissionPoliciesCheckEverySourceTheSchemaAllowsAndGuardOnlyPolicySpecs() {
    List<GenericKubernetesResource> policies =
        DeployFolder.objects(DEPLOY.dir().resolve(DeployFolder.ADMISSION)).stream()
            .filter(o -> o.getKind().equals("ValidatingAdmissionPolicy"))
            .toList();
    assertThat(policies)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("pullpolicy-author-may-read-sources", "pullpolicy-author-may-adopt");
    for (GenericKubernetesResource p : policies) {
      assertThat(p.<String>get("spec", "failurePolicy")).isEqualTo("Fail");
      List<Map<String, Object>> rules = p.get("spec", "matchConstraints", "resourceRules");
      assertThat(rules)
          .singleElement()
          .satisfies(
              r -> {
                // not pullcredentialpolicies/status: the operator's status writes are never checked
                assertThat(r.get("resources")).isEqualTo(List.of("pullcredentialpolicies"));
                assertThat(r.get("operations")).isEqualTo(List.of("CREATE", "UPDATE"));
              });
      List<Map<String, Object>> conditions = p.get("spec", "matchConditions");
      assertThat(conditions)
          .anySatisfy(
              c ->
                  assertThat(c.get("expression"))
                      .isEqualTo("request.operation == 'CREATE' || object.spec != oldObject.spec"));
    }
    // One validation per source index up to the CRD's maxItems: a source beyond them would go
    // unchecked, so raising maxItems without adding validations fails here.
    List<Map<String, Object>> validations = policies.get(0).get("spec", "validations");
    int maxSources =
        crd()
            .getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("sources")
            .getMaxItems()
            .intValue();
    assertThat(validations).hasSize(maxSources);
    for (int i = 0; i < maxSources; i++) {
      assertThat((String) validations.get(i).get("expression"))
          .contains("size(object.spec.sources) <= " + i + " ||")
          .contains("object.spec.sources[" + i + "].namespace")
          .contains("object.spec.sources[" + i + "].name")
          .contains("check('get')");
    }
    assertThat(
            DeployFolder.objects(DEPLOY.dir().resolve(DeployFolder.ADMISSION)).stream()
                .filter(o -> o.getKind().equals("ValidatingAdmissionPolicyBinding")))
        .hasSize(2)
        .allSatisfy(
            b ->
                assertThat(b.<List<String>>get("spec", "validationActions"))
                    .containsExactly("Deny"));
  }

  @Test
  void operatorMayOnlyReadItsOwnAdmissionObjectsByName() {
    ClusterRole clusterRole =
        DEPLOY.object("ClusterRole", DeployFolder.SERVICE_ACCOUNT, ClusterRole.class);
    assertThat(clusterRole.getRules())
        .filteredOn(r -> r.getApiGroups().contains("admissionregistration.k8s.io"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("admissionregistration.k8s.io");
              assertThat(r.getResources())
                  .containsExactly("mutatingadmissionpolicies", "mutatingadmissionpolicybindings");
              assertThat(r.getVerbs()).containsExactly("get");
              assertThat(r.getResourceNames()).containsExactly(AdmissionActiveReason.OBJECT_NAME);
            });
    // the name the operator reads is the name deploy/ installs
    assertThat(DeployFolder.objects(DEPLOY.dir().resolve(DeployFolder.SERVICE_ACCOUNT_ADMISSION)))
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getName()).isEqualTo(AdmissionActiveReason.OBJECT_NAME));
  }

  @Test
  void serviceAccountAdmissionIsParameterizedByEveryPolicyAndCanNeverBlockOrReachTheOperator() {
    List<GenericKubernetesResource> objects =
        DeployFolder.objects(DEPLOY.dir().resolve(DeployFolder.SERVICE_ACCOUNT_ADMISSION));
    assertThat(objects)
        .extracting(GenericKubernetesResource::getKind)
        .containsExactly("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");
    GenericKubernetesResource policy = objects.get(0);
    GenericKubernetesResource binding = objects.get(1);
    assertThat(policy.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
    // an error or a cost overrun admits the ServiceAccount unchanged; the operator adds the entry
    assertThat(policy.<String>get("spec", "failurePolicy")).isEqualTo("Ignore");
    assertThat(policy.<String>get("spec", "reinvocationPolicy")).isEqualTo("Never");
    CustomResourceDefinition crd = crd();
    assertThat(policy.<String>get("spec", "paramKind", "apiVersion"))
        .isEqualTo(crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName());
    assertThat(policy.<String>get("spec", "paramKind", "kind"))
        .isEqualTo(crd.getSpec().getNames().getKind());
    List<Map<String, Object>> rules = policy.get("spec", "matchConstraints", "resourceRules");
    assertThat(rules)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("apiGroups")).isEqualTo(List.of(""));
              assertThat(r.get("resources")).isEqualTo(List.of("serviceaccounts"));
              assertThat(r.get("operations")).isEqualTo(List.of("CREATE"));
            });
    List<Map<String, Object>> never =
        policy.get("spec", "matchConstraints", "namespaceSelector", "matchExpressions");
    assertThat(never)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("key")).isEqualTo("kubernetes.io/metadata.name");
              assertThat(e.get("operator")).isEqualTo("NotIn");
              assertThat(e.get("values")).isEqualTo(List.of("kube-system", DeployFolder.NAMESPACE));
            });
    List<Map<String, Object>> mutations = policy.get("spec", "mutations");
    assertThat(mutations)
        .singleElement()
        .satisfies(m -> assertThat(m.get("patchType")).isEqualTo("JSONPatch"));
    assertThat(binding.getMetadata().getName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.<String>get("spec", "policyName")).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.<Map<String, Object>>get("spec", "paramRef", "selector")).isEmpty();
    assertThat(binding.<String>get("spec", "paramRef", "parameterNotFoundAction"))
        .isEqualTo("Allow");
    assertThat(binding.<Object>get("spec", "matchResources")).isNull();
  }

  private static CustomResourceDefinition crd() {
    return Serialization.unmarshal(
        DeployFolder.read(ROOT.resolve("crds/pullcredentialpolicies.yaml")),
        CustomResourceDefinition.class);
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
    // A JVM out of heap exits (and the Pod restarts) rather than staying ready and idle.
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValue().split(" ")).contains("-XX:+ExitOnOutOfMemoryError"));
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
