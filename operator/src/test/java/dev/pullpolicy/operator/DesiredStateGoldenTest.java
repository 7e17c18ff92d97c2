package dev.pullpolicy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.ParsedSource;
import dev.pullpolicy.api.sources.SourceConfigs;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.apply.Applier;
import dev.pullpolicy.operator.apply.InMemoryCluster;
import dev.pullpolicy.operator.status.StatusFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Desired state as golden files, in the style of Kroxylicious' derived-resource tests: each folder
 * under {@code src/test/resources/desired-state/} holds a cluster snapshot ({@code in-*.yaml}:
 * policies, namespaces, Secrets, ServiceAccounts) and what one pass of the policy {@code acme} must
 * leave: every copy ({@code out-Secret-<namespace>-<name>.yaml}), every ServiceAccount ({@code
 * out-ServiceAccount-<namespace>-<name>.yaml}) and the status ({@code out-status.yaml}, without
 * times). Secrets pullpolicy does not manage must come out exactly as they went in.
 *
 * <p>The pass is the operator's own ({@link PolicyPass}: planner, ownership rules, applier), on an
 * in-memory cluster. {@code -Dpullpolicy.updateGolden=true} rewrites the out files (then review the
 * diff).
 */
class DesiredStateGoldenTest {
  private static final Path ROOT = Path.of("src/test/resources/desired-state");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onePassLeavesTheExpectedCopiesServiceAccountsAndStatus(String name) throws Exception {
    Path dir = ROOT.resolve(name);
    List<HasMetadata> in = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("in-")).sorted().toList()) {
        String text = Files.readString(f);
        in.add(
            f.getFileName().toString().startsWith("in-PullCredentialPolicy")
                ? Serialization.unmarshal(text, PullCredentialPolicy.class)
                : Serialization.unmarshal(text));
      }
    }
    List<PullCredentialPolicy> policies = only(in, PullCredentialPolicy.class);
    PullCredentialPolicy acme =
        policies.stream()
            .filter(p -> p.getMetadata().getName().equals("acme"))
            .findFirst()
            .orElseThrow();
    List<Namespace> namespaces = only(in, Namespace.class);
    List<Secret> secrets = only(in, Secret.class);
    List<ServiceAccount> serviceAccounts = only(in, ServiceAccount.class);

    List<HasMetadata> held = new ArrayList<>(secrets);
    held.addAll(serviceAccounts);
    InMemoryCluster cluster = InMemoryCluster.of(held);
    // the operator caches only the Secrets labelled managed by pullpolicy
    List<Secret> cached =
        cluster.secrets().stream()
            .filter(s -> "pullpolicy".equals(label(s, "app.kubernetes.io/managed-by")))
            .toList();
    PolicyPass.Result result =
        new PolicyPass(acme, policies, namespaces, cached, cluster.serviceAccounts())
            .run(merge(acme, secrets), new Applier(cluster), statuses());

    Map<String, String> actual = new TreeMap<>();
    for (Secret s : cluster.stored()) {
      if (Ownership.managingPolicy(s) != null) {
        actual.put("out-Secret-" + id(s) + ".yaml", yaml(s));
      }
    }
    for (ServiceAccount sa : cluster.serviceAccounts()) {
      actual.put("out-ServiceAccount-" + id(sa) + ".yaml", yaml(sa));
    }
    actual.put("out-status.yaml", yaml(withoutTimes(result.status())));

    if (Boolean.getBoolean("pullpolicy.updateGolden")) {
      try (Stream<Path> old = Files.list(dir)) {
        for (Path f : old.filter(p -> p.getFileName().toString().startsWith("out-")).toList()) {
          Files.delete(f);
        }
      }
      for (Map.Entry<String, String> e : actual.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
    }
    Map<String, String> expected = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("out-")).toList()) {
        expected.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    assertThat(actual.keySet()).as("the objects %s leaves", name).isEqualTo(expected.keySet());
    for (String file : expected.keySet()) {
      assertThat(tree(actual.get(file)))
          .as("%s/%s:%n%s", name, file, actual.get(file))
          .isEqualTo(tree(expected.get(file)));
    }
    for (Secret before : secrets) {
      if (Ownership.managingPolicy(before) == null) {
        Secret after =
            cluster.secret(before.getMetadata().getNamespace(), before.getMetadata().getName());
        if (after != null && Ownership.managingPolicy(after) == null) {
          assertThat(tree(yaml(after)))
              .as("%s: %s is not pullpolicy's and stays as it was", name, id(before))
              .isEqualTo(tree(yaml(before)));
        }
      }
    }
  }

  private static MergedConfig merge(PullCredentialPolicy p, List<Secret> secrets)
      throws SourceProblem {
    List<ParsedSource> parsed = new ArrayList<>();
    for (SecretReference ref : p.getSpec().getSources()) {
      Secret s =
          secrets.stream()
              .filter(x -> x.getMetadata().getNamespace().equals(ref.getNamespace()))
              .filter(x -> x.getMetadata().getName().equals(ref.getName()))
              .findFirst()
              .orElse(null);
      parsed.add(SourceConfigs.parse(ref, s));
    }
    return SourceConfigs.merge(parsed);
  }

  private static StatusFactory statuses() {
    return new StatusFactory(Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC));
  }

  private static PullCredentialPolicyStatus withoutTimes(PullCredentialPolicyStatus s) {
    s.setLastSyncTime(null);
    s.getConditions().forEach(c -> c.setLastTransitionTime(null));
    return s;
  }

  private static <T> List<T> only(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String label(HasMetadata o, String key) {
    return o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(key);
  }

  private static String id(HasMetadata o) {
    return o.getMetadata().getNamespace() + "-" + o.getMetadata().getName();
  }

  /** The object as YAML, without what the server adds (resourceVersion). */
  private static String yaml(Object o) {
    Object copy = Serialization.clone(o);
    if (copy instanceof HasMetadata h) {
      h.getMetadata().setResourceVersion(null);
    }
    return Serialization.asYaml(copy);
  }

  private static JsonNode tree(String yaml) throws IOException {
    return YAML.readTree(yaml);
  }
}
