package dev.pullpolicy.systemtest.support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the real node for {@link NeedsNode} classes, once per run, after the control plane; it is
 * stopped with the control plane's other resources when the run ends.
 */
public class NodeExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(NodeExtension.class);

  /**
   * What starting the node came to: a node, a reason why this machine cannot run one, or an error.
   */
  private record Outcome(TestNode node, String unavailable, RuntimeException failure) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  static TestNode node(ExtensionContext context) {
    Outcome outcome =
        context
            .getRoot()
            .getStore(NS)
            .getOrComputeIfAbsent("node", k -> start(context), Outcome.class);
    if (outcome.unavailable() != null) {
      if (Boolean.parseBoolean(System.getenv("CI"))) {
        throw new IllegalStateException(
            "CI=true, and this machine cannot run the real node: " + outcome.unavailable());
      }
      Assumptions.assumeTrue(false, "no real node here: " + outcome.unavailable());
    }
    if (outcome.failure() != null) {
      throw new IllegalStateException(
          "the real node did not start: " + outcome.failure().getMessage(), outcome.failure());
    }
    return outcome.node();
  }

  private static Outcome start(ExtensionContext context) {
    TestCluster cluster = ClusterExtension.cluster(context);
    try {
      return TestNode.unavailable(cluster)
          .map(reason -> new Outcome(null, reason, null))
          .orElseGet(() -> new Outcome(TestNode.start(cluster), null, null));
    } catch (RuntimeException e) {
      return new Outcome(null, null, e);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return node(context);
  }
}
