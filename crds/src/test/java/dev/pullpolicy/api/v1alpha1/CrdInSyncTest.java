package dev.pullpolicy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD users apply ({@code crds/pullcredentialpolicies.yaml}) is generated from the Java model.
 * This test fails when the committed file is stale; run with {@code -Dpullpolicy.updateCrd=true} to
 * rewrite it.
 */
class CrdInSyncTest {

  private static final String HEADER =
      "# Generated from the Java model in crds/src/main/java (dev.pullpolicy.api.v1alpha1).\n"
          + "# Do not edit: change the model, then run\n"
          + "#   mvn -pl crds test -Dpullpolicy.updateCrd=true\n";

  @Test
  void committedCrdMatchesTheJavaModel() throws IOException {
    Path committed =
        Path.of(System.getProperty("pullpolicy.crdFile", "pullcredentialpolicies.yaml"));
    String generated = HEADER + generate();
    if (Boolean.getBoolean("pullpolicy.updateCrd")) {
      Files.writeString(committed, generated);
    }
    assertThat(committed).exists();
    assertThat(Files.readString(committed))
        .as(
            "crds/pullcredentialpolicies.yaml is stale: run mvn -pl crds test -Dpullpolicy.updateCrd=true")
        .isEqualTo(generated);
  }

  static String generate() throws IOException {
    Path dir = Files.createTempDirectory("crd");
    new CRDGenerator()
        .inOutputDir(dir.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(PullCredentialPolicy.class)
        .generate();
    Path file = dir.resolve(PullCredentialPolicy.CRD_NAME + "-v1.yml");
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    Files.delete(file);
    Files.delete(dir);
    // The generator sorts printer columns; kubectl shows them in list order, so put them in the
    // order a reader wants: Ready, Synced, Selected, Age.
    List<String> order = List.of("Ready", "Synced", "Selected", "Age");
    crd.getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getAdditionalPrinterColumns()
                    .sort(Comparator.comparingInt(c -> order.indexOf(c.getName()))));
    // What the generator's annotations cannot say: sources is a list-map keyed by namespace and
    // name, so the API server itself rejects a Secret listed twice (no CEL cost).
    crd.getSpec()
        .getVersions()
        .forEach(
            v -> {
              JSONSchemaProps spec = v.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
              JSONSchemaProps sources = spec.getProperties().get("sources");
              sources.setXKubernetesListType("map");
              sources.setXKubernetesListMapKeys(List.of("namespace", "name"));
            });
    return Serialization.asYaml(crd).replaceFirst("^---\n", "");
  }
}
