package dev.pullpolicy.systemtest.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The objects in {@code deploy/}, read the way {@code kubectl apply -f deploy/} reads them. */
final class DeployFolder {

  static final String NAMESPACE = "pullpolicy-system";
  static final String SERVICE_ACCOUNT = "pullpolicy-operator";

  /** The file with the admission policies that check a policy's author. */
  static final String ADMISSION = "35-admission-policies.yaml";

  /** The file with the admission policy that adds entries to new ServiceAccounts. */
  static final String SERVICE_ACCOUNT_ADMISSION = "36-service-account-admission.yaml";

  /** Where the operator records its Events, and the only namespace it may create them in. */
  static final String EVENT_NAMESPACE = "default";

  private final Path dir;

  DeployFolder(Path repoRoot) {
    this.dir = repoRoot.resolve("deploy");
  }

  Path dir() {
    return dir;
  }

  /** The files kubectl applies from the folder: *.yaml, *.yml, *.json, in lexical order. */
  List<Path> manifestFiles() {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The files that make up the RBAC and the admission policies (everything but the Deployment and
   * the Service).
   */
  List<Path> rbacFiles() {
    return manifestFiles().stream()
        .filter(
            f ->
                objects(f).stream()
                    .noneMatch(
                        o -> o.getKind().equals("Deployment") || o.getKind().equals("Service")))
        .toList();
  }

  List<GenericKubernetesResource> objects() {
    List<GenericKubernetesResource> all = new ArrayList<>();
    manifestFiles().forEach(f -> all.addAll(objects(f)));
    return all;
  }

  static List<GenericKubernetesResource> objects(Path file) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (String doc : read(file).split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        continue;
      }
      objects.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
    }
    return objects;
  }

  /** The one object of this kind and name, as a typed model. */
  <T extends HasMetadata> T object(String kind, String name, Class<T> type) {
    GenericKubernetesResource found =
        objects().stream()
            .filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + dir));
    return Serialization.unmarshal(Serialization.asYaml(found), type);
  }

  /** deploy/Kustomization as a plain map. */
  @SuppressWarnings("unchecked")
  Map<String, Object> kustomization() {
    return Serialization.unmarshal(read(dir.resolve("Kustomization")), Map.class);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
