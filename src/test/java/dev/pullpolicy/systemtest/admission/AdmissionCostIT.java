package dev.pullpolicy.systemtest.admission;

import static dev.pullpolicy.systemtest.support.ServiceAccountAdmission.pullSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.systemtest.support.ServiceAccountAdmission;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission policy's CEL fits the API server's cost budget for every policy the CRD admits:
 * each (policy, binding, parameter) evaluation gets a budget of its own (10 000 000 units, and 1
 * 000 000 per expression), so the number of PullCredentialPolicies cannot exhaust it, but the size
 * of one policy could. The largest policy the schema allows (every list at its maxItems, every
 * string at its maxLength, read from the CRD, so raising a limit re-runs this with the new one),
 * evaluated so that every loop runs to its end, must still add its entry: the policy's {@code
 * failurePolicy: Ignore} would otherwise drop the mutation silently. The API server's admission
 * metrics must show no evaluation out of budget or in error.
 *
 * <p>Prints what the API server measured (time per evaluation, from {@code
 * apiserver_mutating_admission_policy_check_duration_seconds}); the count of policies in the second
 * test is {@code -Dpullpolicy.admissionCost.policies} (default 100).
 */
@SystemTest
class AdmissionCostIT {

  private static final String METRIC = "apiserver_mutating_admission_policy_check";

  /** The API server's limit on a object's annotations: keys and values, in bytes. */
  private static final int ANNOTATIONS_LIMIT = 256 * 1024;

  private static String source;
  private static String probeNs;
  private static final List<String> policies = new ArrayList<>();

  @BeforeAll
  static void installAdmission(TestCluster cluster) {
    ServiceAccountAdmission.install(cluster);
    source = cluster.newNamespace("cost-src");
    probeNs = cluster.newNamespace("cost-probe");
  }

  @AfterAll
  static void removeAdmissionAndPolicies(KubernetesClient client) {
    ServiceAccountAdmission.uninstall(client);
    policies.forEach(p -> client.resources(PullCredentialPolicy.class).withName(p).delete());
  }

  @Test
  void theLargestPolicyTheSchemaAllowsFitsTheBudgetAndAddsItsEntry(
      TestCluster cluster, KubernetesClient client) throws IOException {
    JSONSchemaProps spec = specSchema(cluster);
    JSONSchemaProps namespaces = spec.getProperties().get("namespaces");
    JSONSchemaProps accounts = spec.getProperties().get("serviceAccounts");

    // a namespace name of 63 characters, matched only by the last include glob
    String ns = (cluster.uniqueName("cost") + "-" + "a".repeat(63)).substring(0, 62) + "a";
    int globs = maxItems(namespaces, "include");
    int globLength = maxLength(namespaces, "include");
    List<String> include = new ArrayList<>();
    for (int i = 0; i < globs - 1; i++) {
      include.add(noMatch(globLength, i));
    }
    include.add("*".repeat(globLength - 1) + "a");
    List<String> exclude = new ArrayList<>();
    for (int i = 0; i < maxItems(namespaces, "exclude"); i++) {
      exclude.add(noMatch(maxLength(namespaces, "exclude"), i));
    }
    Selector nsSelector = Selector.largest(namespaces.getProperties().get("selector"), "n");
    Selector saSelector = Selector.largest(accounts.getProperties().get("selector"), "s");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < maxItems(accounts, "names"); i++) {
      names.add(longName(maxLength(accounts, "names"), "name" + i));
    }
    String policy = longName(253, cluster.uniqueName("cost-largest"));
    String target = longName(253, "target");
    Map<String, Object> specMap = new LinkedHashMap<>();
    specMap.put("sources", List.of(Map.of("namespace", source, "name", "creds")));
    specMap.put("target", Map.of("secretName", target));
    specMap.put(
        "namespaces",
        Map.of("include", include, "exclude", exclude, "selector", nsSelector.yaml()));
    specMap.put("serviceAccounts", Map.of("names", names, "selector", saSelector.yaml()));
    create(client, policy, specMap);
    cluster.createNamespace(ns, nsSelector.labels(), Map.of());
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, probeNs);

    // the ServiceAccount: the longest name, labels every selector term needs, a thousand other
    // entries, the largest plain record, and an annotation "x" that fills the 256 KiB the
    // annotations may hold, but for exactly the room this entry takes
    String entry = ",\"" + target + "\":\"" + policy + "\"";
    String record = largestRecord(ANNOTATIONS_LIMIT - entry.length() - 1);
    int fill =
        ANNOTATIONS_LIMIT
            - PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES.length()
            - record.length()
            - 1
            - entry.length();
    List<LocalObjectReference> others =
        IntStream.range(0, 1000)
            .mapToObj(i -> new LocalObjectReference(longName(253, "o" + i)))
            .toList();
    Metrics before = Metrics.read(client);
    long started = System.nanoTime();
    ServiceAccount created =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(longName(253, "account"))
                    .withLabels(saSelector.labels())
                    .addToAnnotations(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, record)
                    .addToAnnotations("x", "y".repeat(fill))
                    .endMetadata()
                    .withImagePullSecrets(others)
                    .build())
            .create();
    long requestMillis = (System.nanoTime() - started) / 1_000_000;
    Metrics after = Metrics.read(client);

    assertThat(after.counts()).as("evaluations by outcome").isNotEqualTo(before.counts());
    assertThat(after.count("out_of_budget") - before.count("out_of_budget"))
        .as("evaluations out of budget (%s before, %s after)", before, after)
        .isZero();
    assertThat(after.count("invalid_error") - before.count("invalid_error"))
        .as("evaluations in error (%s before, %s after)", before, after)
        .isZero();
    assertThat(after.count("compile_error") - before.count("compile_error")).isZero();
    assertThat(pullSecrets(created)).hasSize(others.size() + 1).endsWith(target);
    assertThat(ServiceAccountEntries.recorded(created)).containsEntry(target, policy);

    // one byte more and the entry would not fit: admission adds nothing rather than make the API
    // server refuse the ServiceAccount
    ServiceAccount full =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName(longName(253, "full"))
                    .withLabels(saSelector.labels())
                    .addToAnnotations(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, record)
                    .addToAnnotations("x", "y".repeat(fill + 1))
                    .endMetadata()
                    .build())
            .create();
    assertThat(pullSecrets(full)).isEmpty();
    assertThat(full.getMetadata().getAnnotations())
        .containsEntry(PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES, record);
    System.err.printf(
        "[admission-cost] largest policy (%d include and %d exclude globs of %d, %d names,"
            + " selectors of %d terms x %d values; record %d bytes, annotations 256 KiB with the"
            + " entry): entry added, no evaluation"
            + " out of budget; %d evaluations, %.1f ms each on average (API server time), create"
            + " request %d ms%n",
        include.size(),
        exclude.size(),
        globLength,
        names.size(),
        nsSelector.expressions(),
        nsSelector.values(),
        record.length(),
        (long) (after.count("no_error") - before.count("no_error")),
        (after.seconds() - before.seconds())
            * 1000
            / (after.count("no_error") - before.count("no_error")),
        requestMillis);
  }

  @Test
  void everyOneOfManyPoliciesAddsItsEntryToOneServiceAccount(
      TestCluster cluster, KubernetesClient client) {
    int count = Integer.getInteger("pullpolicy.admissionCost.policies", 100);
    String ns = cluster.uniqueName("cost-many");
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = cluster.uniqueName("cost-many-" + i);
      create(
          client,
          name,
          Map.of(
              "sources", List.of(Map.of("namespace", source, "name", "creds")),
              "namespaces", Map.of("include", List.of("cost-many-*", "team-" + i + "-*")),
              "serviceAccounts", Map.of("names", List.of("builder"))));
      mine.add(name);
    }
    cluster.createNamespace(ns, Map.of(), Map.of());
    ServiceAccountAdmission.awaitPoliciesSoFar(cluster, client, probeNs);

    Metrics before = Metrics.read(client);
    long started = System.nanoTime();
    ServiceAccount created =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .resource(
                new ServiceAccountBuilder()
                    .withNewMetadata()
                    .withName("builder")
                    .endMetadata()
                    .build())
            .create();
    long requestMillis = (System.nanoTime() - started) / 1_000_000;
    Metrics after = Metrics.read(client);

    assertThat(pullSecrets(created)).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(ServiceAccountEntries.recorded(created))
        .isEqualTo(mine.stream().collect(Collectors.toMap(n -> n, n -> n)));
    assertThat(after.count("out_of_budget") - before.count("out_of_budget")).isZero();
    assertThat(after.count("invalid_error") - before.count("invalid_error")).isZero();
    double evaluations = after.count("no_error") - before.count("no_error");
    System.err.printf(
        "[admission-cost] %d policies matching one ServiceAccount: all %d entries added;"
            + " %.0f evaluations, %.3f ms each on average (API server time), create request %d"
            + " ms%n",
        count,
        mine.size(),
        evaluations,
        (after.seconds() - before.seconds()) * 1000 / evaluations,
        requestMillis);
  }

  /** A glob of that length, of '*' and '?', that matches no namespace name (its tail is "zz"). */
  private static String noMatch(int length, int i) {
    String tail = "zz" + i;
    return ("*?".repeat(length)).substring(0, length - tail.length()) + tail;
  }

  /** A DNS subdomain of exactly {@code length} characters starting with {@code prefix}. */
  static String longName(int length, String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    while (b.length() < length) {
      b.append(b.length() % 64 == 63 ? '.' : 'x');
    }
    String s = b.substring(0, length);
    return s.endsWith(".") || s.endsWith("-") ? s.substring(0, length - 1) + "x" : s;
  }

  /**
   * The largest record of pullpolicy's form whose annotation (key and value) takes at most {@code
   * room} bytes.
   */
  private static String largestRecord(int room) {
    int budget = room - PullPolicyLabels.SERVICE_ACCOUNT_ENTRIES.length();
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; ; i++) {
      String entry =
          (i == 0 ? "" : ",")
              + "\""
              + longName(253, "secret" + i)
              + "\":\""
              + longName(253, "policy")
              + "\"";
      if (b.length() + entry.length() + 1 > budget) {
        break;
      }
      b.append(entry);
    }
    return b.append('}').toString();
  }

  private static void create(KubernetesClient client, String name, Map<String, Object> spec) {
    String yaml =
        Serialization.asYaml(
            Map.of(
                "apiVersion",
                "pullpolicy.dev/v1alpha1",
                "kind",
                "PullCredentialPolicy",
                "metadata",
                Map.of("name", name),
                "spec",
                spec));
    PullCredentialPolicy p =
        client.getKubernetesSerialization().unmarshal(yaml, PullCredentialPolicy.class);
    client.resource(p).create();
    policies.add(name);
  }

  private static JSONSchemaProps specSchema(TestCluster cluster) throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(
            Files.readString(cluster.repoRoot().resolve("crds/pullcredentialpolicies.yaml")),
            CustomResourceDefinition.class);
    return crd.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec");
  }

  private static int maxItems(JSONSchemaProps parent, String field) {
    return parent.getProperties().get(field).getMaxItems().intValue();
  }

  private static int maxLength(JSONSchemaProps parent, String field) {
    return parent.getProperties().get(field).getItems().getSchema().getMaxLength().intValue();
  }

  /** The largest LabelSelector the schema allows, and labels that satisfy every term of it. */
  record Selector(
      Map<String, Object> yaml, Map<String, String> labels, int expressions, int values) {

    static Selector largest(JSONSchemaProps schema, String tag) {
      JSONSchemaProps expressionSchema = schema.getProperties().get("matchExpressions");
      int expressions = expressionSchema.getMaxItems().intValue();
      JSONSchemaProps valuesSchema =
          expressionSchema.getItems().getSchema().getProperties().get("values");
      int values = valuesSchema.getMaxItems().intValue();
      int valueLength = valuesSchema.getItems().getSchema().getMaxLength().intValue();
      JSONSchemaProps matchLabels = schema.getProperties().get("matchLabels");
      int labelCount = matchLabels.getMaxProperties().intValue();
      int labelValueLength =
          matchLabels.getAdditionalProperties().getSchema().getMaxLength().intValue();

      Map<String, String> labels = new LinkedHashMap<>();
      Map<String, String> match = new LinkedHashMap<>();
      for (int i = 0; i < labelCount; i++) {
        String key = labelKey(tag + "l" + i);
        String value = labelValue(labelValueLength, "v" + i);
        match.put(key, value);
        labels.put(key, value);
      }
      List<Map<String, Object>> terms = new ArrayList<>();
      for (int i = 0; i < expressions; i++) {
        String key = labelKey(tag + "e" + i);
        List<String> vals = new ArrayList<>();
        for (int j = 0; j < values; j++) {
          vals.add(labelValue(valueLength, "w" + j));
        }
        // the label's value is the last one listed: the search runs to the end
        labels.put(key, vals.get(vals.size() - 1));
        terms.add(Map.of("key", key, "operator", "In", "values", vals));
      }
      return new Selector(
          Map.of("matchLabels", match, "matchExpressions", terms), labels, expressions, values);
    }

    /** The longest label key: a 253-character DNS prefix, '/', a 63-character name. */
    private static String labelKey(String tag) {
      String segment = "p".repeat(62);
      String prefix =
          (tag + segment).substring(0, 63) + "." + segment + "q." + segment + "r." + "s".repeat(61);
      return prefix + "/" + labelValue(63, tag);
    }

    private static String labelValue(int length, String tag) {
      return (tag + "x".repeat(length)).substring(0, length);
    }
  }

  /** The API server's counters of MutatingAdmissionPolicy evaluations, by error type. */
  record Metrics(Map<String, Double> counts, double seconds) {

    static Metrics read(KubernetesClient client) {
      Map<String, Double> counts = new LinkedHashMap<>();
      double seconds = 0;
      for (String line : client.raw("/metrics").split("\n")) {
        if (!line.contains("policy=\"" + ServiceAccountAdmission.NAME + "\"")) {
          continue;
        }
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.startsWith(METRIC + "_total{")) {
          String type = line.replaceAll(".*error_type=\"([a-z_]+)\".*", "$1");
          counts.merge(type, value, Double::sum);
        } else if (line.startsWith(METRIC + "_duration_seconds_sum{")) {
          seconds += value;
        }
      }
      return new Metrics(counts, seconds);
    }

    double count(String errorType) {
      return counts.getOrDefault(errorType, 0.0);
    }
  }
}
