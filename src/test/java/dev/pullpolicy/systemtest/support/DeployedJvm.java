package dev.pullpolicy.systemtest.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM the {@code deploy/} Deployment runs the operator in, read from {@code
 * deploy/40-deployment.yaml}: its {@code JAVA_TOOL_OPTIONS}, its other JVM-related environment
 * ({@code MALLOC_ARENA_MAX}) and its memory limit, which a container gives the JVM as the machine's
 * memory and which a process outside a container gets as {@code -XX:MaxRAM}. So the tests' operator
 * sizes its heap exactly as the deployed one and exits on OutOfMemoryError as the deployed one.
 *
 * @param options the JVM options: {@code -XX:MaxRAM=<limit>} and then {@code JAVA_TOOL_OPTIONS}
 * @param environment environment variables of the container that concern the JVM
 * @param memoryLimitBytes the container's memory limit
 */
public record DeployedJvm(
    List<String> options, Map<String, String> environment, long memoryLimitBytes) {

  /** Read from the repository's {@code deploy/40-deployment.yaml}. */
  public static DeployedJvm of(Path repoRoot) {
    Path file = repoRoot.resolve("deploy/40-deployment.yaml");
    Deployment d;
    try {
      d = Serialization.unmarshal(Files.readString(file), Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    long limit =
        Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValueExact();
    List<String> options = new ArrayList<>();
    options.add("-XX:MaxRAM=" + limit);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getName().equals("JAVA_TOOL_OPTIONS")) {
        Arrays.stream(e.getValue().trim().split("\\s+"))
            // the container's /tmp is an emptyDir; a process here keeps the system's default
            .filter(o -> !o.startsWith("-Djava.io.tmpdir="))
            .forEach(options::add);
      } else if (e.getName().startsWith("MALLOC_")) {
        env.put(e.getName(), e.getValue());
      }
    }
    return new DeployedJvm(List.copyOf(options), Map.copyOf(env), limit);
  }
}
