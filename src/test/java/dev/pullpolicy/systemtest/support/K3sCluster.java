package dev.pullpolicy.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/** k3s in a container, for machines with a Docker engine ({@code PULLPOLICY_TEST_K3S=true}). */
final class K3sCluster {

  /** The k3s image; override with {@code PULLPOLICY_TEST_K3S_IMAGE}. */
  static final String DEFAULT_IMAGE = "rancher/k3s:v1.33.5-k3s1";

  private K3sCluster() {}

  static TestCluster start(Path root, Path bin) {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "PULLPOLICY_TEST_K3S=true but no Docker engine answers");
    String image = System.getenv().getOrDefault("PULLPOLICY_TEST_K3S_IMAGE", DEFAULT_IMAGE);
    TestCluster.log("starting k3s (" + image + ") through Testcontainers");
    K3sContainer k3s = new K3sContainer(DockerImageName.parse(image));
    k3s.start();
    try {
      Path dir = Files.createDirectories(root.resolve("src/test/target/k3s"));
      Path kubeconfig = dir.resolve("admin.kubeconfig");
      Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
      return TestCluster.create(root, kubeconfig, bin, Optional.empty(), k3s::stop);
    } catch (IOException e) {
      k3s.stop();
      throw new UncheckedIOException(e);
    }
  }
}
