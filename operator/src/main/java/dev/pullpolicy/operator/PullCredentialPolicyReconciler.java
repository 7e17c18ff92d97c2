package dev.pullpolicy.operator;

import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.ParsedSource;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.OnDelete;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.apply.Outcome;
import dev.pullpolicy.operator.apply.Outcome.Result;
import dev.pullpolicy.operator.apply.Writer;
import dev.pullpolicy.operator.desired.Copies;
import dev.pullpolicy.operator.desired.NamespacePlan;
import dev.pullpolicy.operator.desired.Planner;
import dev.pullpolicy.operator.desired.ServiceAccountEntries;
import dev.pullpolicy.operator.metrics.PolicyMetrics;
import dev.pullpolicy.operator.sources.SourceSecrets;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a {@link PullCredentialPolicy}: read (sources by name, everything else from
 * label-scoped informer caches), compute the desired state (pure), apply the writes (one place,
 * bounded parallelism), record status (only when it changed).
 */
@ControllerConfiguration(name = "pullcredentialpolicy", finalizerName = PullPolicyLabels.FINALIZER)
public class PullCredentialPolicyReconciler
    implements Reconciler<PullCredentialPolicy>, Cleaner<PullCredentialPolicy> {
  private static final Logger LOG = Logger.getLogger(PullCredentialPolicyReconciler.class);
  static final String MANAGED_SELECTOR =
      PullPolicyLabels.MANAGED_BY + "=" + PullPolicyLabels.MANAGED_BY_VALUE;
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** Namespace where Events about the cluster-scoped policy are recorded. */
  static final String EVENT_NAMESPACE = "default";

  @Inject Writer writer;
  @Inject PolicyMetrics metrics;
  @Inject KubernetesClient client;

  private final StatusFactory statuses = new StatusFactory(Clock.systemUTC());
  private final Map<String, Integer> troubleStreak = new ConcurrentHashMap<>();

  private InformerEventSource<Namespace, PullCredentialPolicy> namespaces;
  private InformerEventSource<Secret, PullCredentialPolicy> copies;
  private InformerEventSource<ServiceAccount, PullCredentialPolicy> serviceAccounts;
  private SourceSecrets sources;
  private IndexerResourceCache<PullCredentialPolicy> policies;

  @Override
  public List<EventSource<?, PullCredentialPolicy>> prepareEventSources(
      EventSourceContext<PullCredentialPolicy> context) {
    policies = context.getPrimaryCache();
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, PullCredentialPolicy.class)
                .withName("namespaces")
                .withSecondaryToPrimaryMapper(allPolicies())
                .withOnUpdateFilter(
                    (n, o) ->
                        !Objects.equals(n.getMetadata().getLabels(), o.getMetadata().getLabels())
                            || !Objects.equals(
                                n.getMetadata().getAnnotations(), o.getMetadata().getAnnotations())
                            || !Objects.equals(
                                n.getMetadata().getDeletionTimestamp(),
                                o.getMetadata().getDeletionTimestamp()))
                .build(),
            context);
    copies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, PullCredentialPolicy.class)
                .withName("copies")
                .withLabelSelector(MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(this::policiesConcernedWith)
                .build(),
            context);
    serviceAccounts =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ServiceAccount.class, PullCredentialPolicy.class)
                .withName("serviceaccounts")
                .withSecondaryToPrimaryMapper(allPolicies())
                .withOnUpdateFilter(
                    (n, o) ->
                        !Objects.equals(n.getImagePullSecrets(), o.getImagePullSecrets())
                            || !Objects.equals(
                                n.getMetadata().getLabels(), o.getMetadata().getLabels())
                            || !Objects.equals(
                                n.getMetadata().getAnnotations(), o.getMetadata().getAnnotations()))
                .build(),
            context);
    sources = new SourceSecrets(context.getClient(), metrics::sourceChanged);
    return List.of(namespaces, copies, serviceAccounts, sources);
  }

  private <R> SecondaryToPrimaryMapper<R> allPolicies() {
    return r -> policies.list().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  /** A copy concerns the policy that manages it and every policy whose target name it holds. */
  private Set<ResourceID> policiesConcernedWith(Secret secret) {
    Set<ResourceID> ids = new HashSet<>();
    String owner = Copies.managingPolicy(secret);
    if (owner != null) {
      ids.add(new ResourceID(owner));
    }
    String name = secret.getMetadata().getName();
    policies
        .list(p -> p.getSpec() != null && name.equals(Copies.targetName(p)))
        .forEach(p -> ids.add(ResourceID.fromResource(p)));
    return ids;
  }

  @Override
  public UpdateControl<PullCredentialPolicy> reconcile(
      PullCredentialPolicy policy, Context<PullCredentialPolicy> context) {
    Instant started = Instant.now();
    String name = policy.getMetadata().getName();
    long generation = policy.getMetadata().getGeneration();
    PullCredentialPolicyStatus previous = policy.getStatus();

    // read: the sources by name
    List<SecretReference> refs = policy.getSpec().getSources();
    sources.track(name, refs);
    MergedConfig config;
    try {
      List<ParsedSource> parsed = new ArrayList<>();
      for (SecretReference ref : refs) {
        parsed.add(SourceConfigs.parse(ref, sources.get(ref)));
      }
      config = SourceConfigs.merge(parsed);
    } catch (SourceProblem problem) {
      return sourceInvalid(policy, previous, generation, problem, started);
    }

    // compute: from the caches only
    List<NamespacePlan> plans =
        Planner.plan(
            policy,
            config,
            namespaces.list().toList(),
            copies.list().toList(),
            serviceAccounts.list().toList());

    // apply: the writes, in parallel, bounded
    Set<SecretReference> allSources =
        policies
            .list()
            .filter(p -> p.getSpec() != null && p.getSpec().getSources() != null)
            .flatMap(p -> p.getSpec().getSources().stream())
            .collect(Collectors.toSet());
    List<Outcome> outcomes = writer.apply(policy, plans, allSources);

    // record
    int ignored =
        (int) plans.stream().filter(p -> p.state() == NamespacePlan.State.IGNORED).count();
    PullCredentialPolicyStatus status =
        statuses.synced(previous, generation, config, refs.size(), ignored, outcomes);
    metrics.namespaces(
        name,
        status.getNamespaces().getSelected(),
        status.getNamespaces().getSynced(),
        status.getNamespaces().getFailed(),
        status.getNamespaces().getConflicts());
    boolean failed = outcomes.stream().anyMatch(o -> o.result() == Result.FAILED);
    if (StatusFactory.isReady(status)) {
      metrics.caughtUp(name);
    }
    if (failed) {
      metrics.error(name, "WriteFailed");
    }
    metrics.reconciled(name, failed ? "failed" : "ok", Duration.between(started, Instant.now()));
    long writes = outcomes.stream().filter(Outcome::wrote).count();
    if (writes > 0) {
      LOG.infof(
          "policy %s: %d namespaces written; %d/%d synced, %d conflicts, %d failed",
          name,
          writes,
          status.getNamespaces().getSynced(),
          status.getNamespaces().getSelected(),
          status.getNamespaces().getConflicts(),
          status.getNamespaces().getFailed());
    }

    UpdateControl<PullCredentialPolicy> control = statusControl(policy, previous, status);
    if (failed) {
      return control.rescheduleAfter(backoff(name));
    }
    troubleStreak.remove(name);
    if (writer.hasConflicts(name)) {
      return control.rescheduleAfter(Duration.ofSeconds(30));
    }
    return control;
  }

  private UpdateControl<PullCredentialPolicy> sourceInvalid(
      PullCredentialPolicy policy,
      PullCredentialPolicyStatus previous,
      long generation,
      SourceProblem problem,
      Instant started) {
    String name = policy.getMetadata().getName();
    PullCredentialPolicyStatus status = statuses.sourceInvalid(previous, generation, problem);
    Condition before =
        previous == null ? null : previous.condition(PullPolicyLabels.CONDITION_SOURCE_VALID);
    if (before == null
        || !"False".equals(before.getStatus())
        || !Objects.equals(before.getReason(), problem.reason())
        || !Objects.equals(before.getMessage(), problem.getMessage())) {
      LOG.warnf("policy %s: %s: %s", name, problem.reason(), problem.getMessage());
      warn(policy, problem.reason(), problem.getMessage());
    }
    metrics.error(name, problem.reason());
    metrics.reconciled(name, "sourceInvalid", Duration.between(started, Instant.now()));
    return statusControl(policy, previous, status).rescheduleAfter(backoff(name));
  }

  private UpdateControl<PullCredentialPolicy> statusControl(
      PullCredentialPolicy policy,
      PullCredentialPolicyStatus previous,
      PullCredentialPolicyStatus status) {
    if (status.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    policy.setStatus(status);
    return UpdateControl.patchStatus(policy);
  }

  private Duration backoff(String policy) {
    int streak = troubleStreak.merge(policy, 1, Integer::sum);
    long seconds = MIN_BACKOFF.getSeconds() << Math.min(streak - 1, 10);
    return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.getSeconds()));
  }

  /** A Warning Event on the policy; the message names objects and problems, never data. */
  private void warn(PullCredentialPolicy policy, String reason, String message) {
    try {
      String now = Instant.now().toString();
      client
          .v1()
          .events()
          .inNamespace(EVENT_NAMESPACE)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(policy.getMetadata().getName() + ".")
                  .withNamespace(EVENT_NAMESPACE)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(policy.getApiVersion())
                  .withKind(policy.getKind())
                  .withName(policy.getMetadata().getName())
                  .withUid(policy.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType("Warning")
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource("pullpolicy-operator", null)
                  .withReportingComponent("pullpolicy-operator")
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "could not record an Event for policy %s: HTTP %d",
          policy.getMetadata().getName(), e.getCode());
    }
  }

  @Override
  public DeleteControl cleanup(PullCredentialPolicy policy, Context<PullCredentialPolicy> context) {
    String name = policy.getMetadata().getName();
    String uid = policy.getMetadata().getUid();
    boolean orphan = policy.getSpec() != null && policy.getSpec().getOnDelete() == OnDelete.Orphan;
    List<Runnable> tasks = new ArrayList<>();
    copies
        .list(s -> name.equals(Copies.managingPolicy(s)))
        .forEach(
            s ->
                tasks.add(
                    () -> {
                      if (orphan) {
                        writer.orphanCopy(s, uid);
                      } else {
                        writer.deleteCopy(s);
                      }
                    }));
    serviceAccounts
        .list(sa -> !ServiceAccountEntries.recordedFor(sa, name).isEmpty())
        .forEach(
            sa ->
                tasks.add(
                    () -> {
                      if (orphan) {
                        writer.editServiceAccount(sa, s -> ServiceAccountEntries.forget(s, name));
                      } else {
                        writer.editServiceAccount(
                            sa,
                            s -> {
                              ServiceAccount current = s;
                              boolean changed = false;
                              for (String secret : ServiceAccountEntries.recordedFor(s, name)) {
                                var edited =
                                    ServiceAccountEntries.withoutEntry(current, secret, name);
                                if (edited.isPresent()) {
                                  current = edited.get();
                                  changed = true;
                                }
                              }
                              return changed
                                  ? java.util.Optional.of(current)
                                  : java.util.Optional.empty();
                            });
                      }
                    }));
    writer.runAll(tasks);
    LOG.infof(
        "policy %s deleted: %s %d copies and ServiceAccount entries",
        name, orphan ? "orphaned" : "removed", tasks.size());
    sources.untrack(name);
    writer.forget(name);
    metrics.forget(name);
    troubleStreak.remove(name);
    return DeleteControl.defaultDelete();
  }
}
