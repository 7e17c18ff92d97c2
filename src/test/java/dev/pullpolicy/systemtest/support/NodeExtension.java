package dev.pullpolicy.systemtest.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the real node for {@link NeedsNode} classes, once per run, after their own local control
 * plane (see {@link ClusterExtension}); it is stopped before that control plane when the run ends.
 * On a machine that cannot run a node, those classes are skipped with the reason, unless {@code
 * CI=true}: then they fail.
 */
public class NodeExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(NodeExtension.class);

  /** Why this machine cannot run a node, or empty. */
  private record Availability(Optional<String> unavailable) {}

  /** What starting the node came to: a node or an error. */
  private record Outcome(TestNode node, RuntimeException failure) {}

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> reason = availability(context).unavailable();
    if (reason.isEmpty() || ci()) {
      return ConditionEvaluationResult.enabled("a real node can run here");
    }
    return ConditionEvaluationResult.disabled("no real node here: " + reason.get());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  private static boolean ci() {
    return Boolean.parseBoolean(System.getenv("CI"));
  }

  private static Availability availability(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent(
            "availability",
            k -> {
              Availability a = new Availability(TestNode.unavailable(TestCluster.findRepoRoot()));
              a.unavailable()
                  .ifPresent(
                      r ->
                          TestCluster.log(
                              (ci() ? "CI=true, but " : "skipping the tests that need it: ")
                                  + "this machine cannot run the real node: "
                                  + r));
              return a;
            },
            Availability.class);
  }

  static TestNode node(ExtensionContext context) {
    availability(context)
        .unavailable()
        .ifPresent(
            reason -> {
              throw new IllegalStateException(
                  "CI=true, and this machine cannot run the real node: " + reason);
            });
    Outcome outcome =
        context
            .getRoot()
            .getStore(NS)
            .getOrComputeIfAbsent("node", k -> start(context), Outcome.class);
    if (outcome.failure() != null) {
      throw new IllegalStateException(
          "the real node did not start: " + outcome.failure().getMessage(), outcome.failure());
    }
    return outcome.node();
  }

  private static Outcome start(ExtensionContext context) {
    try {
      return new Outcome(TestNode.start(ClusterExtension.nodeCluster(context)), null);
    } catch (RuntimeException e) {
      return new Outcome(null, e);
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
