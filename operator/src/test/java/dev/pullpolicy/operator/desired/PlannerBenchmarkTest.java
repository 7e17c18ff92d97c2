package dev.pullpolicy.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.operator.cache.CachedCopy;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A microbenchmark of one full plan (N namespaces, 2 N ServiceAccounts, a copy in every selected
 * namespace, in sync). It prints the time and allocation per plan; it never asserts on time. Size
 * with {@code -Dpullpolicy.bench.namespaces=3000}.
 */
class PlannerBenchmarkTest {
  static final int N = Integer.getInteger("pullpolicy.bench.namespaces", 3000);
  static final int WARMUP = Integer.getInteger("pullpolicy.bench.warmup", 30);
  static final int RUNS = Integer.getInteger("pullpolicy.bench.runs", 30);

  @Test
  void planOverManyNamespaces() {
    PullCredentialPolicy policy = new PullCredentialPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("acme").withUid("uid-1").build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(new SecretReference("registry", "creds")));
    Target t = new Target();
    t.setSecretName("acme-pull");
    t.setLabels(Map.of("team", "x"));
    t.setAnnotations(Map.of("note", "y"));
    spec.setTarget(t);
    NamespaceSelection sel = new NamespaceSelection();
    sel.setInclude(List.of("team-*", "app-?-*", "svc-*-prod"));
    spec.setNamespaces(sel); // default excludes
    policy.setSpec(spec);
    byte[] json = new byte[2048];
    Arrays.fill(json, (byte) 'a');
    MergedConfig config = new MergedConfig(json, SourceConfigs.sha256(json), List.of(), List.of());

    List<Namespace> namespaces = new ArrayList<>();
    List<Secret> copies = new ArrayList<>();
    List<ServiceAccount> sas = new ArrayList<>();
    String[] prefixes = {"team-", "app-1-", "svc-", "other-", "kube-"};
    for (int i = 0; i < N; i++) {
      String p = prefixes[i % prefixes.length];
      String name = p.equals("svc-") ? p + i + "-prod" : p + i;
      namespaces.add(
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(name)
              .withLabels(Map.of("kubernetes.io/metadata.name", name))
              .endMetadata()
              .build());
      boolean selected = i % prefixes.length < 3;
      if (selected) {
        // as the operator's cache holds them: without data, with its hash
        copies.add(CachedCopy.of(DesiredCopy.of(policy, config).secret(name)));
      }
      sas.add(
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName("default")
              .withNamespace(name)
              .withAnnotations(
                  selected
                      ? Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"acme-pull\":\"acme\"}")
                      : Map.of())
              .endMetadata()
              .withImagePullSecrets(
                  selected ? List.of(new LocalObjectReference("acme-pull")) : List.of())
              .build());
      sas.add(
          new ServiceAccountBuilder()
              .withNewMetadata()
              .withName("builder")
              .withNamespace(name)
              .withAnnotations(
                  Map.of(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, "{\"other-pull\":\"other\"}"))
              .endMetadata()
              .withImagePullSecrets(List.of(new LocalObjectReference("other-pull")))
              .build());
    }

    Ownership ownership = Ownership.of(policy, List.of(new SecretReference("other", "creds")));
    List<NamespacePlan> plans = List.of();
    for (int i = 0; i < WARMUP; i++) {
      plans = Planner.plan(policy, config, ownership, Set.of(), namespaces, copies, sas);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long[] nanos = new long[RUNS];
    long bytesBefore = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      plans = Planner.plan(policy, config, ownership, Set.of(), namespaces, copies, sas);
      nanos[i] = System.nanoTime() - t0;
    }
    long bytes = (threads.getThreadAllocatedBytes(tid) - bytesBefore) / RUNS;
    Arrays.sort(nanos);
    System.out.printf(
        "PlannerBenchmark: N=%d namespaces, %d ServiceAccounts: plan median %.2f ms, min %.2f ms,"
            + " max %.2f ms, %.1f MB allocated per plan (%d runs after %d warm-up)%n",
        N,
        sas.size(),
        nanos[RUNS / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[RUNS - 1] / 1e6,
        bytes / 1e6,
        RUNS,
        WARMUP);

    // the plan itself (identical before and after any optimisation)
    assertThat(plans).hasSize(copies.size());
    assertThat(plans).allMatch(p -> p.state() == NamespacePlan.State.SYNCED && p.quiet());
    assertThat(plans.stream().mapToInt(NamespacePlan::serviceAccountsPatched).sum())
        .isEqualTo(copies.size());
  }
}
