package dev.pullpolicy.systemtest.admission;

import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.awaitEntry;
import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.dryRun;
import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.probeAccount;
import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.pullSecrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.selection.SelectionRows;
import dev.pullpolicy.api.selection.SelectionRows.NamespaceRow;
import dev.pullpolicy.api.selection.SelectionRows.ServiceAccountRow;
import dev.pullpolicy.api.selection.ServiceAccounts;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.support.Policies;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One truth for selection: the CEL of the admission policy ({@code deploy/}) and the shared Java
 * rules ({@code dev.pullpolicy.api.selection}) give the same answer on every row of the selection
 * tables of crds/README.md, the rows {@code SelectionTableTest} checks the Java rules against. Each
 * row becomes a real PullCredentialPolicy and a real namespace or ServiceAccount; the API server
 * evaluates the CEL and the Java rules judge the very objects it evaluated.
 *
 * <p>Admission adds the entry exactly when the Java verdict is SELECTED (namespaces) or selected
 * (ServiceAccounts), with one deliberate exception: it never acts in kube-system or the operator's
 * namespace (the operator still does). Namespaces being deleted: the API server itself refuses new
 * ServiceAccounts there, so admission is never asked; the test checks that refusal and the Java
 * verdict (never SELECTED) instead.
 */
@SystemTest
class AdmissionSelectionAgreementIT {

  /** Protected from admission by the policy's namespaceSelector, whatever a policy selects. */
  private static final Set<String> PROTECTED = Set.of("kube-system", "pullpolicy-system");

  /** A label on the helper namespace that only the latest probe policy selects. */
  private static final String ROW_LABEL = "pullpolicy-test/row";

  /** Holds a deleted row namespace in Terminating for the rows about terminating namespaces. */
  private static final String HOLD = "pullpolicy.dev/test-hold";

  private static String helper;
  private static String source;
  private static String runId;
  private static final Set<String> fixedNamespaces = new LinkedHashSet<>();
  private static final List<String> rowNamespaces = new ArrayList<>();

  @BeforeAll
  static void installAdmission(TestCluster cluster) {
    ServiceAccountAdmission.install(cluster);
    runId = cluster.runId();
    helper = cluster.newNamespace("agree-helper");
    source = cluster.newNamespace("agree-src");
  }

  @AfterAll
  static void removeAdmissionAndTheRowNamespaces(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
    for (String ns : fixedNamespaces) {
      client
          .namespaces()
          .withName(ns)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
      client.namespaces().withName(ns).delete();
    }
    rowNamespaces.forEach(ns -> client.namespaces().withName(ns).delete());
  }

  @Test
  void admissionAddsTheEntryExactlyWhereTheJavaRulesSelectTheNamespace(
      TestCluster cluster, KubernetesClient client) {
    List<NamespaceRow> rows = SelectionRows.namespaceRows();
    List<String> disagreements = new ArrayList<>();
    int checked = 0;
    // namespaces that exist now first; a row about a terminating namespace deletes its namespace
    for (boolean terminating : List.of(false, true)) {
      for (int i = 0; i < rows.size(); i++) {
        NamespaceRow row = rows.get(i);
        if (row.terminating() != terminating) {
          continue;
        }
        String outcome =
            terminating
                ? terminatingRow(cluster, client, i, row)
                : PROTECTED.contains(row.name())
                    ? protectedRow(cluster, client, i, row)
                    : namespaceRow(cluster, client, i, row);
        checked++;
        if (outcome != null) {
          disagreements.add(
              "namespaces " + row.selection() + ", namespace " + row.namespace() + ": " + outcome);
        }
      }
    }
    assertThat(disagreements).as("rows where admission and the Java rules disagree").isEmpty();
    assertThat(checked).isEqualTo(rows.size());
  }

  @Test
  void admissionAddsTheEntryExactlyToTheServiceAccountsTheJavaRulesSelect(
      TestCluster cluster, KubernetesClient client) {
    List<ServiceAccountRow> rows = SelectionRows.serviceAccountRows();
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      ServiceAccountRow row = rows.get(i);
      String ns = cluster.uniqueName("agree-sa");
      rowNamespaces.add(ns);
      String policy = cluster.uniqueName("agree-sa-" + i);
      String spec = "namespaces: {include: [" + ns + "]}";
      if (!"unset".equals(row.selection())) {
        spec += "\n  serviceAccounts: " + row.selection();
      }
      policy(client, policy, spec);
      // the probe, created after the row's policy, selects every ServiceAccount of the namespace
      String probe = probePolicy(cluster, client, List.of(ns, helper), Map.of());
      awaitAdmissionSeesTheChangesSoFar(cluster, client);

      createNamespace(client, ns, Map.of(), Map.of());
      ServiceAccount admitted;
      if (row.name().equals("default")) {
        // the controller manager creates it, through admission like any other
        admitted =
            await()
                .atMost(ServiceAccountAdmission.TIMEOUT)
                .until(
                    () -> client.serviceAccounts().inNamespace(ns).withName("default").get(),
                    sa -> sa != null);
      } else {
        admitted = dryRun(client, row.serviceAccountObject(ns));
      }
      assertThat(pullSecrets(admitted))
          .as("the probe's entry: admission knew both policies")
          .contains(probe);

      boolean java = ServiceAccounts.selected(row.policySelection(), admitted);
      boolean cel = pullSecrets(admitted).contains(policy);
      if (java != row.selected()) {
        disagreements.add(row + ": Java on the real object says " + java);
      }
      if (cel != java) {
        disagreements.add(
            "serviceAccounts "
                + row.selection()
                + ", ServiceAccount "
                + row.account()
                + ": admission "
                + (cel ? "added" : "did not add")
                + " the entry, the Java rules say "
                + (java ? "selected" : "not selected"));
      }
      deletePolicies(client, policy, probe);
    }
    assertThat(disagreements).as("rows where admission and the Java rules disagree").isEmpty();
  }

  /** A row whose namespace exists: its labels and annotations become the row's. */
  private static String namespaceRow(
      TestCluster cluster, KubernetesClient client, int i, NamespaceRow row) {
    String policy = rowPolicy(cluster, client, i, row);
    Map<String, String> labels = new LinkedHashMap<>(row.labels());
    labels.put(TestCluster.TEST_RUN_LABEL, runId);
    ensureNamespace(client, row.name(), labels, row.annotations());
    awaitAdmissionSeesTheChangesSoFar(cluster, client);
    ServiceAccount admitted = dryRun(client, probeAccount(row.name(), Map.of()));
    Namespace real = client.namespaces().withName(row.name()).get();
    String outcome = judge(row, real, pullSecrets(admitted).contains(policy), false);
    deletePolicies(client, policy);
    return outcome;
  }

  /**
   * Returns when admission knows every namespace and policy as they are now. Admission reads both
   * from informers (one watch each, in order): the helper namespace gets a new mark, and a probe
   * policy created last selects it only with that mark, so its entry in the helper namespace shows
   * that admission has seen every earlier change to namespaces and policies.
   */
  private static void awaitAdmissionSeesTheChangesSoFar(
      TestCluster cluster, KubernetesClient client) {
    String mark = cluster.uniqueName("mark");
    client
        .namespaces()
        .withName(helper)
        .edit(
            n -> {
              n.getMetadata().getLabels().put(ROW_LABEL, mark);
              return n;
            });
    String probe = probePolicy(cluster, client, List.of(helper), Map.of(ROW_LABEL, mark));
    awaitEntry(client, helper, probe);
    deletePolicies(client, probe);
  }

  /** kube-system (and the operator's namespace): admission never adds an entry there. */
  private static String protectedRow(
      TestCluster cluster, KubernetesClient client, int i, NamespaceRow row) {
    String policy = rowPolicy(cluster, client, i, row);
    awaitAdmissionSeesTheChangesSoFar(cluster, client);
    ServiceAccount admitted = dryRun(client, probeAccount(row.name(), Map.of()));
    Namespace real = client.namespaces().withName(row.name()).get();
    String outcome = judge(row, real, pullSecrets(admitted).contains(policy), true);
    deletePolicies(client, policy);
    return outcome;
  }

  /**
   * A namespace being deleted: the API server refuses new ServiceAccounts there (the
   * NamespaceLifecycle admission plugin), so admission is never asked and nothing gets an entry;
   * the Java rules must not select it either.
   */
  private static String terminatingRow(
      TestCluster cluster, KubernetesClient client, int i, NamespaceRow row) {
    String policy = rowPolicy(cluster, client, i, row);
    Map<String, String> labels = new LinkedHashMap<>(row.labels());
    labels.put(TestCluster.TEST_RUN_LABEL, cluster.runId());
    ensureNamespace(client, row.name(), labels, row.annotations());
    Namespace real = terminate(client, row.name());
    assertThatThrownBy(() -> dryRun(client, probeAccount(row.name(), Map.of())))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("being terminated");
    NamespaceVerdict java = Namespaces.verdict(row.policySelection(), real);
    deletePolicies(client, policy);
    if (java != row.verdict()) {
      return "Java on the real object says " + java + ", the table " + row.verdict();
    }
    return java == NamespaceVerdict.SELECTED ? "selected, yet no ServiceAccount can exist" : null;
  }

  /** Null when admission and the Java rules agree on the real namespace, else what differs. */
  private static String judge(
      NamespaceRow row, Namespace real, boolean admissionAdded, boolean protectedNamespace) {
    NamespaceVerdict java = Namespaces.verdict(row.policySelection(), real);
    if (java != row.verdict()) {
      return "Java on the real object says " + java + ", the table " + row.verdict();
    }
    boolean expected = java == NamespaceVerdict.SELECTED && !protectedNamespace;
    if (admissionAdded != expected) {
      return "admission "
          + (admissionAdded ? "added" : "did not add")
          + " the entry, the Java verdict is "
          + java
          + (protectedNamespace ? " (a namespace admission never touches)" : "");
    }
    return null;
  }

  /** The row's policy: its spec.namespaces, every ServiceAccount, a target of its own name. */
  private static String rowPolicy(
      TestCluster cluster, KubernetesClient client, int i, NamespaceRow row) {
    String name = cluster.uniqueName("agree-ns-" + i);
    String spec = "serviceAccounts: {names: [\"*\"]}";
    if (!"unset".equals(row.selection())) {
      spec += "\n  namespaces: " + row.selection();
    }
    policy(client, name, spec);
    return name;
  }

  /** A policy selecting every ServiceAccount in exactly these namespaces (and these labels). */
  private static String probePolicy(
      TestCluster cluster,
      KubernetesClient client,
      List<String> namespaces,
      Map<String, String> l) {
    String name = cluster.uniqueName("agree-probe");
    StringBuilder selector = new StringBuilder();
    l.forEach((k, v) -> selector.append(selector.isEmpty() ? "" : ", ").append(k + ": " + v));
    policy(
        client,
        name,
        "serviceAccounts: {names: [\"*\"]}\n  namespaces: {include: ["
            + String.join(", ", namespaces)
            + "], exclude: []"
            + (l.isEmpty() ? "" : ", selector: {matchLabels: {" + selector + "}}")
            + "}");
    return name;
  }

  private static void policy(KubernetesClient client, String name, String specLines) {
    Policies.create(
        client,
        name,
        "  sources: [{namespace: " + source + ", name: creds}]\n  " + specLines + "\n");
  }

  private static void deletePolicies(KubernetesClient client, String... names) {
    for (String n : names) {
      client.resources(PullCredentialPolicy.class).withName(n).delete();
    }
  }

  /** Creates the namespace or makes its labels and annotations exactly these. */
  private static void ensureNamespace(
      KubernetesClient client, String name, Map<String, String> labels, Map<String, String> ann) {
    Namespace existing = client.namespaces().withName(name).get();
    if (existing == null) {
      createNamespace(client, name, labels, ann);
      fixedNamespaces.add(name);
      return;
    }
    Map<String, String> current = existing.getMetadata().getLabels();
    assertThat(current)
        .as("namespace %s exists and was not made by this test run", name)
        .containsKey(TestCluster.TEST_RUN_LABEL);
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put("kubernetes.io/metadata.name", name);
    client
        .namespaces()
        .withName(name)
        .edit(
            n -> {
              n.getMetadata().setLabels(all);
              n.getMetadata().setAnnotations(ann.isEmpty() ? null : ann);
              return n;
            });
  }

  private static void createNamespace(
      KubernetesClient client, String name, Map<String, String> labels, Map<String, String> ann) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.putIfAbsent(TestCluster.TEST_RUN_LABEL, runId);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(all)
                .withAnnotations(ann.isEmpty() ? null : ann)
                .endMetadata()
                .build())
        .create();
  }

  /**
   * Deletes the namespace but holds it (a finalizer of this test), and waits until the API server
   * refuses new ServiceAccounts in it; returns it as it is then.
   */
  private static Namespace terminate(KubernetesClient client, String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns.getMetadata().getDeletionTimestamp() == null) {
      client
          .namespaces()
          .withName(name)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"finalizers\":[\"" + HOLD + "\"]}}");
      client.namespaces().withName(name).delete();
    }
    await()
        .atMost(ServiceAccountAdmission.TIMEOUT)
        .ignoreException(AssertionError.class)
        .until(
            () -> {
              try {
                dryRun(client, probeAccount(name, Map.of()));
                return false;
              } catch (KubernetesClientException e) {
                return e.getCode() == 403;
              }
            });
    return client.namespaces().withName(name).get();
  }
}
