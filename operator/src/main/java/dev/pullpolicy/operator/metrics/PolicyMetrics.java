package dev.pullpolicy.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pullpolicy's Prometheus metrics: reconciles, errors, durations, per-policy namespace gauges, and
 * how long a source change takes to reach every copy.
 */
@ApplicationScoped
public class PolicyMetrics {
  @Inject MeterRegistry registry;

  private final Map<String, PolicyGauges> gauges = new ConcurrentHashMap<>();
  private final Map<String, Instant> pendingSourceChange = new ConcurrentHashMap<>();

  /** Per-policy gauge values. */
  private static final class PolicyGauges {
    final AtomicLong selected = new AtomicLong();
    final AtomicLong synced = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong lastPropagationMillis = new AtomicLong(-1);
  }

  public void reconciled(String policy, String result, Duration took) {
    Counter.builder("pullpolicy.reconciles")
        .description("Reconciles of a policy, by result")
        .tags(Tags.of("policy", policy, "result", result))
        .register(registry)
        .increment();
    Timer.builder("pullpolicy.reconcile.duration")
        .description("Time one reconcile of a policy took")
        .tags(Tags.of("policy", policy))
        .register(registry)
        .record(took);
  }

  /**
   * A pass of a reconcile: full (every namespace) or partial (the namespaces events concerned), and
   * how many namespaces it planned.
   */
  public void pass(String policy, boolean full, int namespaces) {
    Tags tags = Tags.of("policy", policy, "kind", full ? "full" : "partial");
    Counter.builder("pullpolicy.passes")
        .description("Passes of a policy's reconciles, full or over the namespaces events marked")
        .tags(tags)
        .register(registry)
        .increment();
    Counter.builder("pullpolicy.pass.namespaces")
        .description("Namespaces planned by the passes of a policy")
        .tags(tags)
        .register(registry)
        .increment(namespaces);
  }

  public void error(String policy, String reason) {
    Counter.builder("pullpolicy.reconcile.errors")
        .description("Reconciles that failed or found an unusable source")
        .tags(Tags.of("policy", policy, "reason", reason))
        .register(registry)
        .increment();
  }

  public void namespaces(String policy, int selected, int synced, int failed, int conflicts) {
    PolicyGauges g = gauges(policy);
    g.selected.set(selected);
    g.synced.set(synced);
    g.failed.set(failed);
    g.conflicts.set(conflicts);
  }

  /** A source of the policy changed at {@code at} (the first unacknowledged change is kept). */
  public void sourceChanged(String policy, Instant at) {
    pendingSourceChange.putIfAbsent(policy, at);
  }

  /** Every copy of the policy is in sync now: close the pending source change, if any. */
  public void caughtUp(String policy) {
    Instant since = pendingSourceChange.remove(policy);
    if (since != null) {
      Duration d = Duration.between(since, Instant.now());
      gauges(policy).lastPropagationMillis.set(d.toMillis());
      Timer.builder("pullpolicy.source.propagation")
          .description("From a change of a source Secret until every copy caught up")
          .tags(Tags.of("policy", policy))
          .register(registry)
          .record(d);
    }
  }

  public void forget(String policy) {
    pendingSourceChange.remove(policy);
    PolicyGauges g = gauges.remove(policy);
    if (g != null) {
      registry.getMeters().stream()
          .filter(m -> policy.equals(m.getId().getTag("policy")))
          .toList()
          .forEach(registry::remove);
    }
  }

  private PolicyGauges gauges(String policy) {
    return gauges.computeIfAbsent(
        policy,
        p -> {
          PolicyGauges g = new PolicyGauges();
          Tags tags = Tags.of("policy", p);
          Gauge.builder("pullpolicy.namespaces.selected", g.selected, AtomicLong::get)
              .description("Namespaces the policy selects")
              .tags(tags)
              .register(registry);
          Gauge.builder("pullpolicy.namespaces.synced", g.synced, AtomicLong::get)
              .description("Selected namespaces whose copy is in sync")
              .tags(tags)
              .register(registry);
          Gauge.builder("pullpolicy.namespaces.failed", g.failed, AtomicLong::get)
              .description("Selected namespaces where writing failed")
              .tags(tags)
              .register(registry);
          Gauge.builder("pullpolicy.namespaces.conflicts", g.conflicts, AtomicLong::get)
              .description("Selected namespaces in conflict")
              .tags(tags)
              .register(registry);
          Gauge.builder(
                  "pullpolicy.source.propagation.last.seconds",
                  g.lastPropagationMillis,
                  v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
              .description("Seconds the last source change took to reach every copy")
              .tags(tags)
              .register(registry);
          return g;
        });
  }
}
