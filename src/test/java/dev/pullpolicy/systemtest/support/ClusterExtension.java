package dev.pullpolicy.systemtest.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Hands tests a real cluster: the one in {@code PULLPOLICY_TEST_KUBECONFIG} when set; k3s through
 * Testcontainers when {@code PULLPOLICY_TEST_K3S=true} and Docker runs; otherwise the local control
 * plane of {@code src/test/cluster/cluster}. It is started once per test run and stopped when the
 * run ends, failed tests included.
 *
 * <p>Classes marked {@link NeedsNode} get a local control plane of their own, which the real node
 * joins (see {@link NodeExtension}): the other tests keep a cluster where no kubelet or scheduler
 * touches their Pods.
 */
public class ClusterExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    // A node class's cluster starts only when the node can (NodeExtension).
    if (!needsNode(context)) {
      cluster(context);
    }
  }

  /** The cluster of the test class in {@code context}. */
  static TestCluster cluster(ExtensionContext context) {
    return needsNode(context) ? nodeCluster(context) : sharedCluster(context);
  }

  private static TestCluster sharedCluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("cluster", k -> TestCluster.start(), TestCluster.class);
  }

  /** The local control plane that the real node joins. */
  static TestCluster nodeCluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent("node-cluster", k -> TestCluster.startForNode(), TestCluster.class);
  }

  private static boolean needsNode(ExtensionContext context) {
    return context
        .getTestClass()
        .map(c -> AnnotationSupport.isAnnotated(c, NeedsNode.class))
        .orElse(false);
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
