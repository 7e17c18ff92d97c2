package dev.pullpolicy.operator;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.ParsedSource;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.OnDelete;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.admission.AdmissionCheck;
import dev.pullpolicy.operator.apply.Applier;
import dev.pullpolicy.operator.apply.Response;
import dev.pullpolicy.operator.apply.Writer;
import dev.pullpolicy.operator.cache.Slim;
import dev.pullpolicy.operator.cache.SlimStore;
import dev.pullpolicy.operator.events.AffectedPolicies;
import dev.pullpolicy.operator.metrics.PolicyMetrics;
import dev.pullpolicy.operator.sources.SourceSecrets;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Reconciles a {@link PullCredentialPolicy}: read (sources by name, everything else from informer
 * caches), compute the desired state (pure), apply the writes (one place, bounded parallelism),
 * record status (only when it changed). A reconcile that could not finish (an unusable source, a
 * failed write) throws: JOSDK retries it with backoff and records the status it computed through
 * {@link #updateErrorStatus}.
 */
@ControllerConfiguration(name = "pullcredentialpolicy", finalizerName = PullPolicyLabels.FINALIZER)
@GradualRetry(
    maxAttempts = -1,
    initialInterval = 5_000,
    intervalMultiplier = 2,
    maxInterval = 300_000)
public class PullCredentialPolicyReconciler
    implements Reconciler<PullCredentialPolicy>, Cleaner<PullCredentialPolicy> {
  private static final Logger LOG = Logger.getLogger(PullCredentialPolicyReconciler.class);
  static final String MANAGED_SELECTOR =
      PullPolicyLabels.MANAGED_BY + "=" + PullPolicyLabels.MANAGED_BY_VALUE;

  /** How often a Secret the policy may not write (reason Unmanaged) is read again. */
  static final Duration UNMANAGED_RECHECK = Duration.ofSeconds(30);

  /** Namespace where Events about the cluster-scoped policy are recorded. */
  static final String EVENT_NAMESPACE = "default";

  /**
   * Page size of the Namespace and ServiceAccount informers' lists: at start-up (and after a watch
   * expired) they hold one page of received objects at a time, not every object of the cluster.
   */
  static final long LIST_LIMIT = 500;

  /** How often a full pass runs when no resync interval is configured (JOSDK's is 10 h). */
  static final Duration DEFAULT_FULL_PASS_INTERVAL = Duration.ofMinutes(10);

  /** The index by namespace every fabric8 informer keeps (of copies and ServiceAccounts here). */
  static final String BY_NAMESPACE = Cache.NAMESPACE_INDEX;

  /**
   * Page size of the copies informer's lists (at start and after a watch expired). A copy holds at
   * most 1 MiB ({@code SourceConfigs.MAX_MERGED_BYTES}), so a page is at most about 27 MiB of JSON
   * however large the copies, where one unpaged list would hold every copy's data at once.
   */
  static final long COPIES_LIST_LIMIT = 20;

  private final Writer writer;
  private final Applier applier;
  private final PolicyMetrics metrics;
  private final Clock clock;
  private final StatusFactory statuses;
  private final PolicyPasses passes;
  private final PolicyPasses.Caches caches = new InformerCaches();
  private final AdmissionCheck admission;

  private InformerEventSource<Namespace, PullCredentialPolicy> namespaces;
  private InformerEventSource<Secret, PullCredentialPolicy> copies;
  private InformerEventSource<ServiceAccount, PullCredentialPolicy> serviceAccounts;
  private SourceSecrets sources;
  private IndexerResourceCache<PullCredentialPolicy> policies;

  @Inject
  public PullCredentialPolicyReconciler(
      Writer writer,
      Applier applier,
      PolicyMetrics metrics,
      Clock clock,
      AdmissionCheck admission) {
    this.writer = writer;
    this.applier = applier;
    this.metrics = metrics;
    this.clock = clock;
    this.statuses = new StatusFactory(clock);
    this.passes = new PolicyPasses(applier, statuses);
    this.admission = admission;
  }

  @Override
  public List<EventSource<?, PullCredentialPolicy>> prepareEventSources(
      EventSourceContext<PullCredentialPolicy> context) {
    policies = context.getPrimaryCache();
    // Each mapper marks the event's namespace for the policies it concerns (DirtyNamespaces), so
    // that their reconciles plan only that namespace. No primary-to-secondary index (the
    // reconciler never asks JOSDK for secondary resources): without this mapper JOSDK would keep
    // an index of every cached object per policy and call the mappers twice per event.
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, PullCredentialPolicy.class)
                .withName("namespaces")
                // name, labels, the ignore annotation, deletion: what the selection rules read
                .withItemStore(new SlimStore<>(Slim::namespace))
                .withInformerListLimit(LIST_LIMIT)
                .withPrimaryToSecondaryMapper(NO_SECONDARY_INDEX)
                .withSecondaryToPrimaryMapper(this::policiesOfNamespaceEvent)
                .withOnUpdateFilter((n, o) -> Slim.namespaceChanged(o, n))
                .build(),
            context);
    copies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, PullCredentialPolicy.class)
                .withName("copies")
                .withLabelSelector(MANAGED_SELECTOR)
                // metadata, type and the hash of the data only: memory grows with the number of
                // copies, not with what they hold
                .withItemStore(SlimStore.copies())
                .withInformerListLimit(COPIES_LIST_LIMIT)
                .withPrimaryToSecondaryMapper(NO_SECONDARY_INDEX)
                .withSecondaryToPrimaryMapper(
                    s -> marked(AffectedPolicies.ofCopy(s, allPolicies()), s))
                .build(),
            context);
    serviceAccounts =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ServiceAccount.class, PullCredentialPolicy.class)
                .withName("serviceaccounts")
                // entries, labels, our annotation, resourceVersion: written by a guarded patch of
                // what changed (ServiceAccountPatch), never whole
                .withItemStore(new SlimStore<>(Slim::serviceAccount))
                .withInformerListLimit(LIST_LIMIT)
                .withPrimaryToSecondaryMapper(NO_SECONDARY_INDEX)
                .withSecondaryToPrimaryMapper(
                    sa ->
                        marked(
                            AffectedPolicies.ofServiceAccount(
                                sa,
                                namespaces
                                    .get(new ResourceID(sa.getMetadata().getNamespace()))
                                    .orElse(null),
                                allPolicies()),
                            sa))
                .withOnUpdateFilter((n, o) -> Slim.serviceAccountChanged(o, n))
                .build(),
            context);
    sources = new SourceSecrets(context.getClient(), metrics::sourceChanged);
    admission.reconcileOnChange(
        () -> allPolicies().stream().map(p -> p.getMetadata().getName()).toList());
    return List.of(namespaces, copies, serviceAccounts, sources, admission);
  }

  private static final PrimaryToSecondaryMapper<PullCredentialPolicy> NO_SECONDARY_INDEX =
      p -> Set.of();

  /** The policies a Namespace event concerns; its namespace is marked for each. */
  private Set<ResourceID> policiesOfNamespaceEvent(Namespace ns) {
    String name = ns.getMetadata().getName();
    return ids(
        passes.marked(
            AffectedPolicies.ofNamespace(
                ns,
                allPolicies(),
                copies.byIndex(BY_NAMESPACE, name),
                serviceAccounts.byIndex(BY_NAMESPACE, name)),
            name,
            true));
  }

  /** Marks the object's namespace for the policies, and returns their ids. */
  private Set<ResourceID> marked(Set<String> policyNames, HasMetadata object) {
    return ids(passes.marked(policyNames, object.getMetadata().getNamespace(), false));
  }

  /** The informers, as the passes read them. */
  private final class InformerCaches implements PolicyPasses.Caches {
    @Override
    public Collection<Namespace> namespaces() {
      return namespaces.list().toList();
    }

    @Override
    public Collection<Secret> copies() {
      return copies.list().toList();
    }

    @Override
    public Collection<ServiceAccount> serviceAccounts() {
      return serviceAccounts.list().toList();
    }

    @Override
    public Optional<Namespace> namespace(String name) {
      return namespaces.get(new ResourceID(name));
    }

    @Override
    public Collection<Secret> copiesIn(String namespace) {
      return copies.byIndex(BY_NAMESPACE, namespace);
    }

    @Override
    public Collection<ServiceAccount> serviceAccountsIn(String namespace) {
      return serviceAccounts.byIndex(BY_NAMESPACE, namespace);
    }
  }

  private List<PullCredentialPolicy> allPolicies() {
    return policies.list().toList();
  }

  private static Set<ResourceID> ids(Set<String> policyNames) {
    Set<ResourceID> ids = new HashSet<>(policyNames.size());
    for (String name : policyNames) {
      ids.add(new ResourceID(name));
    }
    return ids;
  }

  @Override
  public UpdateControl<PullCredentialPolicy> reconcile(
      PullCredentialPolicy policy, Context<PullCredentialPolicy> context) {
    Instant started = clock.instant();
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
      throw sourceInvalid(policy, previous, generation, problem, started);
    }

    // compute from the caches only, apply the writes (bounded parallelism), and the status: over
    // every namespace when nothing else is safe, else over those events marked since last time
    PolicyPasses.Pass pass =
        passes.run(
            policy,
            allPolicies(),
            config,
            caches,
            started,
            context
                .getControllerConfiguration()
                .maxReconciliationInterval()
                .orElse(DEFAULT_FULL_PASS_INTERVAL));
    // record
    PullCredentialPolicyStatus status =
        statuses.withAdmission(pass.status(), previous, generation, admission.state());
    metrics.pass(name, pass.full(), pass.planned());
    metrics.namespaces(
        name,
        status.getNamespaces().getSelected(),
        status.getNamespaces().getSynced(),
        status.getNamespaces().getFailed(),
        status.getNamespaces().getConflicts());
    boolean failed = pass.failed();
    if (StatusFactory.isReady(status)) {
      metrics.caughtUp(name);
    }
    metrics.reconciled(name, failed ? "failed" : "ok", Duration.between(started, clock.instant()));
    long writes = pass.namespacesWritten();
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
    if (failed) {
      metrics.error(name, FailureReason.WriteFailed.name());
      throw new Unfinished(status, "policy " + name + ": writes failed in some namespaces");
    }
    UpdateControl<PullCredentialPolicy> control = statusControl(policy, previous, status);
    // a Secret the cache cannot show may go away at any time: look again while one is reported
    return PolicyPass.unmanagedConflicts(status).isEmpty()
        ? control
        : control.rescheduleAfter(UNMANAGED_RECHECK);
  }

  private Unfinished sourceInvalid(
      PullCredentialPolicy policy,
      PullCredentialPolicyStatus previous,
      long generation,
      SourceProblem problem,
      Instant started) {
    String name = policy.getMetadata().getName();
    String reason = problem.reason().name();
    PullCredentialPolicyStatus status =
        statuses.withAdmission(
            statuses.sourceInvalid(previous, generation, problem),
            previous,
            generation,
            admission.state());
    Condition before = previous == null ? null : previous.condition(ConditionType.SourceValid);
    if (before == null
        || !"False".equals(before.getStatus())
        || !Objects.equals(before.getReason(), reason)
        || !Objects.equals(before.getMessage(), problem.getMessage())) {
      LOG.warnf("policy %s: %s: %s", name, reason, problem.getMessage());
      warn(policy, reason, problem.getMessage());
    }
    metrics.error(name, reason);
    metrics.reconciled(name, "sourceInvalid", Duration.between(started, clock.instant()));
    return new Unfinished(status, "policy " + name + ": " + reason + ": " + problem.getMessage());
  }

  /**
   * Records the status of a reconcile that could not finish; JOSDK then retries it with backoff
   * ({@link GradualRetry} above). A change of a source or of the policy starts a reconcile at once.
   */
  @Override
  public ErrorStatusUpdateControl<PullCredentialPolicy> updateErrorStatus(
      PullCredentialPolicy policy, Context<PullCredentialPolicy> context, Exception e) {
    if (!(e instanceof Unfinished unfinished)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    if (unfinished.status().equals(policy.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    policy.setStatus(unfinished.status());
    return ErrorStatusUpdateControl.patchStatus(policy);
  }

  /**
   * A reconcile that could not finish, with the status it computed. Its message names objects and
   * problems, never data; no stack trace (it is an expected condition, retried).
   */
  static final class Unfinished extends RuntimeException {
    private final transient PullCredentialPolicyStatus status;

    Unfinished(PullCredentialPolicyStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    PullCredentialPolicyStatus status() {
      return status;
    }
  }

  private static UpdateControl<PullCredentialPolicy> statusControl(
      PullCredentialPolicy policy,
      PullCredentialPolicyStatus previous,
      PullCredentialPolicyStatus status) {
    if (status.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    policy.setStatus(status);
    return UpdateControl.patchStatus(policy);
  }

  /** A Warning Event on the policy; the message names objects and problems, never data. */
  private void warn(PullCredentialPolicy policy, String reason, String message) {
    String now = clock.instant().toString();
    Event event =
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
            .build();
    Response<Event> r = writer.createEvent(event);
    if (!r.succeeded()) {
      LOG.warnf(
          "could not record an Event for policy %s: HTTP %d",
          policy.getMetadata().getName(), r.code());
    }
  }

  @Override
  public DeleteControl cleanup(PullCredentialPolicy policy, Context<PullCredentialPolicy> context) {
    String name = policy.getMetadata().getName();
    boolean orphan = policy.getSpec() != null && policy.getSpec().getOnDelete() == OnDelete.Orphan;
    Ownership ownership = Ownership.of(policy, Ownership.sourcesOf(allPolicies()));
    int changed =
        applier.cleanup(
            policy,
            ownership,
            orphan,
            copies.list(s -> name.equals(Ownership.managingPolicy(s))).toList(),
            serviceAccounts
                .list(sa -> !ServiceAccountEntries.recordedFor(sa, name).isEmpty())
                .toList());
    LOG.infof(
        "policy %s deleted: %s %d copies and ServiceAccount entries",
        name, orphan ? "orphaned" : "removed", changed);
    sources.untrack(name);
    passes.forget(name);
    metrics.forget(name);
    return DeleteControl.defaultDelete();
  }
}
