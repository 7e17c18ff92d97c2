package dev.pullpolicy.systemtest.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.Keyring;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Our reading of images and pull Secrets (the API module's {@code dev.pullpolicy.api.kubelet})
 * against the kubelet's own code (Kubernetes v1.37.2, run by {@link KubeletOracle}) on every case
 * of {@link KubeletCorpus}: the image's validity and normalised name, whether the keyring can be
 * built, the keyring's index and credentials per key, the registries it ignores, and the
 * credentials it tries for the image in order. Where the kubelet's order depends on Go's map order
 * the oracle reports every order it saw over many runs; ours must allow each of them, and say the
 * order is not fixed exactly when more than one can occur.
 */
class KubeletAgreementTest {

  private static final Path ROOT =
      Path.of(System.getProperty("pullpolicy.root", "../..")).toAbsolutePath().normalize();

  /** One credential as tried: where from and what. */
  record Cred(
      String key,
      String secret,
      String username,
      String password,
      String email,
      boolean fallback) {}

  @Test
  void ourReadingOfPullSecretsAndImagesIsTheKubelets() {
    List<KubeletCorpus.Case> cases = KubeletCorpus.all();
    KubeletOracle oracle = new KubeletOracle(ROOT, ROOT.resolve("src/test/target"));
    Path binary = oracle.build();
    long oracleStart = System.nanoTime();
    Map<String, JsonNode> answers = oracle.answer(binary, cases);
    Duration oracleTime = Duration.ofNanos(System.nanoTime() - oracleStart);

    long javaStart = System.nanoTime();
    // per class: cases, disagreements, and what the kubelet answered: image refused, keyring
    // failed, some registry ignored, some credential tried, order not fixed
    Map<String, int[]> perKind = new TreeMap<>();
    List<String> disagreements = new ArrayList<>();
    for (KubeletCorpus.Case c : cases) {
      JsonNode kubelet = answers.get(c.id());
      List<String> diffs =
          kubelet == null ? List.of("no answer from the oracle") : compare(c, kubelet);
      int[] counts = perKind.computeIfAbsent(c.kind(), k -> new int[7]);
      counts[0]++;
      if (kubelet != null) {
        counts[2] += kubelet.path("image").hasNonNull("error") ? 1 : 0;
        counts[3] += kubelet.path("keyring").hasNonNull("error") ? 1 : 0;
        counts[4] += kubelet.path("keyring").path("ignored").isEmpty() ? 0 : 1;
        counts[5] += kubelet.path("tries").path(0).isEmpty() ? 0 : 1;
        counts[6] += kubelet.path("tries").size() > 1 ? 1 : 0;
      }
      if (!diffs.isEmpty()) {
        counts[1]++;
        disagreements.add(
            c.id() + " (image " + quoted(c.image()) + "): " + String.join("; ", diffs));
      }
    }
    Duration javaTime = Duration.ofNanos(System.nanoTime() - javaStart);

    StringBuilder report =
        new StringBuilder(
            String.format(
                "%n[kubelet agreement] %-24s %5s %5s | kubelet: %5s %5s %5s %5s %5s%n",
                "class", "cases", "diff", "image!", "ring!", "ignor", "tries", "order"));
    perKind.forEach(
        (k, n) ->
            report.append(
                String.format(
                    "  %-37s %5d %5d | %14d %5d %5d %5d %5d%n",
                    k, n[0], n[1], n[2], n[3], n[4], n[5], n[6])));
    report.append(
        String.format(
            "  total: %d cases, %d disagreements; oracle build %d ms, oracle run %d ms, ours %d ms%n",
            cases.size(),
            disagreements.size(),
            oracle.buildTime().toMillis(),
            oracleTime.toMillis(),
            javaTime.toMillis()));
    System.out.print(report);
    assertThat(disagreements)
        .as("cases where we differ from the kubelet (first 40):%n%s", first(disagreements, 40))
        .isEmpty();
  }

  private static String first(List<String> list, int n) {
    return String.join("\n", list.subList(0, Math.min(n, list.size())));
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\n", "\\n") + "\"";
  }

  private static List<String> compare(KubeletCorpus.Case c, JsonNode kubelet) {
    List<String> diffs = new ArrayList<>();

    // the image
    JsonNode image = kubelet.get("image");
    ImageReference ref = null;
    String ourImageError = null;
    try {
      ref = ImageReference.parse(c.image());
    } catch (ImageReference.InvalidImageName e) {
      ourImageError = e.getMessage();
    }
    String theirImageError = text(image, "error");
    if ((ourImageError == null) != (theirImageError == null)) {
      diffs.add(
          "image: kubelet "
              + (theirImageError == null ? "accepts" : "refuses (" + theirImageError + ")")
              + ", we "
              + (ourImageError == null ? "accept" : "refuse (" + ourImageError + ")"));
      ref = null;
    } else if (ref != null) {
      same(diffs, "pull", text(image, "pull"), ref.pull());
      same(diffs, "repo", text(image, "repo"), ref.name());
      same(diffs, "tag", orEmpty(text(image, "tag")), orEmpty(ref.effectiveTag()));
      same(diffs, "digest", orEmpty(text(image, "digest")), orEmpty(ref.digest()));
    }
    same(
        diffs,
        "default pull policy",
        text(image, "defaultPullPolicy"),
        ImageReference.defaultPullPolicy(c.image()));

    // the keyring
    List<PullSecret> secrets =
        c.secrets().stream().map(s -> PullSecrets.read(s.name(), s.type(), s.data())).toList();
    JsonNode keyring = kubelet.get("keyring");
    String theirError = text(keyring, "error");
    PullSecret refused = secrets.stream().filter(PullSecret::refused).findFirst().orElse(null);
    if ((theirError == null) != (refused == null)) {
      diffs.add(
          "keyring: kubelet "
              + (theirError == null ? "builds it" : "fails (" + theirError + ")")
              + ", we "
              + (refused == null ? "build it" : "refuse " + refused.describe()));
      return diffs;
    }
    if (refused != null) {
      return diffs;
    }
    Keyring ours = Keyring.of(secrets);
    List<String> theirIndex = new ArrayList<>();
    keyring.path("index").forEach(n -> theirIndex.add(n.asText()));
    same(diffs, "index", theirIndex, ours.index());
    if (theirIndex.equals(ours.index())) {
      for (int i = 0; i < theirIndex.size(); i++) {
        String key = theirIndex.get(i);
        List<Cred> theirs = new ArrayList<>();
        keyring.path("creds").path(key).forEach(n -> theirs.add(cred(n)));
        List<Cred> ourCreds = ours.entriesAt(i).stream().map(t -> cred(key, t, false)).toList();
        same(diffs, "credentials of " + key, groupsOf(theirs), groupsOf(ourCreds));
      }
    }
    Set<String> theirIgnored = new TreeSet<>();
    keyring.path("ignored").forEach(n -> theirIgnored.add(n.get("entry").asText()));
    Set<String> ourIgnored = new TreeSet<>();
    secrets.stream()
        .filter(PullSecret::used)
        .flatMap(s -> s.ignoredEntries().stream())
        .forEach(e -> ourIgnored.add(e.key().asUrl()));
    same(diffs, "ignored registries", theirIgnored, ourIgnored);

    // the tries
    if (ref != null && kubelet.hasNonNull("tries")) {
      Keyring.Lookup lookup = ours.lookup(ref);
      Set<List<Cred>> allowed = orders(lookup);
      Set<List<Cred>> observed = new LinkedHashSet<>();
      for (JsonNode order : kubelet.get("tries")) {
        List<Cred> o = new ArrayList<>();
        order.forEach(n -> o.add(cred(n)));
        observed.add(o);
      }
      for (List<Cred> o : observed) {
        if (!allowed.contains(o)) {
          diffs.add("tries: kubelet " + o + ", we allow only " + allowed);
          break;
        }
      }
      if ((allowed.size() > 1) != (observed.size() > 1)) {
        diffs.add(
            "order: kubelet showed "
                + observed.size()
                + " orders in "
                + kubelet.path("runs").asInt()
                + " runs, we allow "
                + allowed.size());
      }
      if (lookup.orderFixed() && allowed.size() > 1) {
        diffs.add("order: we call it fixed but allow " + allowed.size());
      }
    }
    return diffs;
  }

  private static Cred cred(JsonNode n) {
    return new Cred(
        n.path("key").asText(),
        n.path("secret").asText(),
        n.path("username").asText(),
        n.path("password").asText(),
        n.path("email").asText(),
        n.path("fallback").asBoolean(false));
  }

  private static Cred cred(String key, Keyring.Try t, boolean fallback) {
    return new Cred(
        key,
        t.secret(),
        t.credential().username(),
        t.credential().password(),
        t.credential().email(),
        fallback);
  }

  /** Credentials of one key: per run of one Secret, the multiset (their order there varies). */
  private static List<List<String>> groupsOf(List<Cred> creds) {
    List<List<String>> groups = new ArrayList<>();
    String previous = null;
    for (Cred c : creds) {
      if (!c.secret().equals(previous)) {
        groups.add(new ArrayList<>());
        previous = c.secret();
      }
      groups.get(groups.size() - 1).add(c.toString());
    }
    groups.forEach(g -> g.sort(null));
    return groups;
  }

  /** Every order our lookup allows: the groups in order, each group in any order. */
  private static Set<List<Cred>> orders(Keyring.Lookup lookup) {
    Set<List<Cred>> out = new HashSet<>();
    out.add(List.of());
    for (List<Keyring.Try> group : lookup.groups()) {
      List<Cred> creds =
          group.stream().map(t -> cred(t.key().indexKey(), t, t.dockerHubFallback())).toList();
      Set<List<Cred>> next = new HashSet<>();
      for (List<Cred> prefix : out) {
        for (List<Cred> perm : permutations(creds)) {
          List<Cred> o = new ArrayList<>(prefix);
          o.addAll(perm);
          next.add(o);
        }
      }
      out = next;
    }
    return out;
  }

  private static List<List<Cred>> permutations(List<Cred> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<Cred>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<Cred> rest = new ArrayList<>(items);
      Cred head = rest.remove(i);
      for (List<Cred> p : permutations(rest)) {
        List<Cred> o = new ArrayList<>();
        o.add(head);
        o.addAll(p);
        out.add(o);
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void same(List<String> diffs, String what, Object kubelet, Object ours) {
    if (!Objects.equals(kubelet, ours)) {
      diffs.add(what + ": kubelet " + kubelet + ", we " + ours);
    }
  }
}
