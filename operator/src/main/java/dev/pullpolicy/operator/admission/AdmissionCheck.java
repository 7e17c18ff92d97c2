package dev.pullpolicy.operator.admission;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether the API server adds the policies' entries to ServiceAccounts as they are created: it
 * serves {@code admissionregistration.k8s.io/v1} MutatingAdmissionPolicies (discovery), and
 * pullpolicy's policy and binding ({@code deploy/36-service-account-admission.yaml}) are installed
 * (one {@code get} of each by name). Looked at when the controller starts and then every {@code
 * pullpolicy.admission-check.interval}; the reconciler reads the last answer (no request per
 * reconcile), and a change re-reconciles every policy so that their {@code AdmissionActive}
 * condition follows. Informational only: nothing else depends on it.
 */
@Singleton
public class AdmissionCheck
    extends AbstractEventSource<GenericKubernetesResource, PullCredentialPolicy> {
  private static final Logger LOG = Logger.getLogger(AdmissionCheck.class);

  static final String GROUP_VERSION = "admissionregistration.k8s.io/v1";
  static final String RESOURCE = "mutatingadmissionpolicies";
  private static final ResourceDefinitionContext POLICY =
      context(RESOURCE, "MutatingAdmissionPolicy");
  private static final ResourceDefinitionContext BINDING =
      context("mutatingadmissionpolicybindings", "MutatingAdmissionPolicyBinding");

  private final KubernetesClient client;
  private final Duration interval;
  private volatile AdmissionState state;
  private volatile Supplier<Collection<String>> policies = List::of;
  private ScheduledExecutorService poller;

  @Inject
  public AdmissionCheck(
      KubernetesClient client,
      @ConfigProperty(name = "pullpolicy.admission-check.interval", defaultValue = "60s")
          Duration interval) {
    super(GenericKubernetesResource.class, "admission-check");
    this.client = client;
    this.interval = interval;
  }

  private static ResourceDefinitionContext context(String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("admissionregistration.k8s.io")
        .withVersion("v1")
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(false)
        .build();
  }

  /** The policies to reconcile again when the answer changes. */
  public void reconcileOnChange(Supplier<Collection<String>> policyNames) {
    this.policies = policyNames;
  }

  /** The last answer; looks now when there is none yet. */
  public AdmissionState state() {
    AdmissionState s = state;
    if (s == null) {
      s = check();
      state = s;
    }
    return s;
  }

  /** Looks now: discovery, then the policy and the binding by name. */
  public AdmissionState check() {
    try {
      APIResourceList served = client.getApiResources(GROUP_VERSION);
      if (served == null
          || served.getResources() == null
          || served.getResources().stream().noneMatch(r -> RESOURCE.equals(r.getName()))) {
        return AdmissionState.apiUnavailable();
      }
      boolean policy =
          client
                  .genericKubernetesResources(POLICY)
                  .withName(AdmissionActiveReason.OBJECT_NAME)
                  .get()
              != null;
      boolean binding =
          client
                  .genericKubernetesResources(BINDING)
                  .withName(AdmissionActiveReason.OBJECT_NAME)
                  .get()
              != null;
      if (policy && binding) {
        return AdmissionState.installed();
      }
      List<String> missing = new ArrayList<>(2);
      if (!policy) {
        missing.add("MutatingAdmissionPolicy");
      }
      if (!binding) {
        missing.add("MutatingAdmissionPolicyBinding");
      }
      return AdmissionState.notInstalled(String.join(" and ", missing));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return AdmissionState.apiUnavailable(); // the group version is not served at all
      }
      return AdmissionState.checkFailed(
          e.getCode() > 0
              ? "HTTP " + e.getCode() + " reading " + AdmissionActiveReason.OBJECT_NAME
              : e.getClass().getSimpleName() + " reading " + AdmissionActiveReason.OBJECT_NAME);
    }
  }

  @Override
  public void start() {
    super.start();
    try {
      state = check();
    } catch (RuntimeException e) {
      // never keep the controller from starting: the condition says Unknown, the poll retries
      state = AdmissionState.checkFailed(e.getClass().getSimpleName());
    }
    LOG.infof("admission: %s (%s)", state.reason(), state.message());
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "admission-check");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      AdmissionState now = check();
      if (now.equals(state)) {
        return;
      }
      LOG.infof("admission: %s (%s)", now.reason(), now.message());
      state = now;
      if (isRunning()) {
        for (String policy : policies.get()) {
          getEventHandler().handleEvent(new Event(new ResourceID(policy)));
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("admission check failed: %s", e.toString());
    }
  }

  @Override
  public Set<GenericKubernetesResource> getSecondaryResources(PullCredentialPolicy policy) {
    return Set.of();
  }

  @Override
  public void stop() {
    if (poller != null) {
      poller.shutdownNow();
    }
    super.stop();
  }
}
