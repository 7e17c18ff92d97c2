package dev.pullpolicy.systemtest.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a real cluster: the one in {@code PULLPOLICY_TEST_KUBECONFIG} when set; k3s through
 * Testcontainers when {@code PULLPOLICY_TEST_K3S=true} and Docker runs; otherwise the local control
 * plane of {@code src/test/cluster/cluster}. It is started once per test run and stopped when the
 * run ends, failed tests included.
 */
public class ClusterExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster(context);
  }

  static TestCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("cluster", k -> TestCluster.start(), TestCluster.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestCluster.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestCluster cluster = cluster(context);
    return parameter.getParameter().getType() == TestCluster.class ? cluster : cluster.client();
  }
}
