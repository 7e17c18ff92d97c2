package dev.pullpolicy.api.kubelet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The keyring the kubelet builds from a Pod's pull Secrets (Kubernetes v1.37.2,
 * credentialprovider.BasicDockerKeyring), and the order in which it tries credentials for an image:
 *
 * <ul>
 *   <li>every index key that matches the image's repository name, keys in reverse byte order (so a
 *       longer path comes before its prefix), and for one key the Secrets in the Pod's order;
 *   <li>only when no key matches and the image is a Docker Hub one, the credentials under the key
 *       {@code index.docker.io};
 *   <li>within one Secret, several registries that index to the same key (such as {@code r.io} and
 *       {@code https://r.io/}) come in Go's random map order: that order is not fixed.
 * </ul>
 *
 * After the Pod's Secrets the kubelet still tries the node's own credentials and credential
 * provider plugins, which this keyring cannot know.
 */
public final class Keyring {

  /** The key of Docker Hub's credentials for the fallback. */
  public static final String DOCKER_HUB_KEY = "index.docker.io";

  /** A registry of a Secret, as added. */
  private record Added(String secret, int call, PullSecret.Entry entry) {}

  private final Map<String, List<Added>> creds = new LinkedHashMap<>(); // by index key bytes
  private int calls;

  /**
   * A credential the kubelet would try.
   *
   * @param key the registry entry it comes from
   * @param secret the Secret it comes from
   * @param credential what would be sent
   * @param dockerHubFallback whether it was found by the Docker Hub fallback
   * @param group tries with the same group number come in an order that is not fixed
   */
  public record Try(
      RegistryKey key,
      String secret,
      Credential credential,
      boolean dockerHubFallback,
      int group) {}

  /**
   * The tries for an image, in one of the kubelet's possible orders.
   *
   * @param tries the credentials, in order (within a group, in the Secret's document order)
   * @param orderFixed false when some group has several tries (their order varies)
   */
  public record Lookup(List<Try> tries, boolean orderFixed) {
    /** The groups of tries whose order among themselves is not fixed, in order. */
    public List<List<Try>> groups() {
      List<List<Try>> out = new ArrayList<>();
      for (Try t : tries) {
        if (out.isEmpty() || out.get(out.size() - 1).get(0).group() != t.group()) {
          out.add(new ArrayList<>());
        }
        out.get(out.size() - 1).add(t);
      }
      return out;
    }
  }

  /** A keyring from the Secrets in the Pod's order; only used ones contribute. */
  public static Keyring of(List<PullSecret> secrets) {
    Keyring k = new Keyring();
    secrets.forEach(k::add);
    return k;
  }

  /** Adds one Secret's indexed registries (nothing when the kubelet does not use it). */
  public Keyring add(PullSecret secret) {
    if (!secret.used()) {
      return this;
    }
    int call = calls++;
    for (PullSecret.Entry e : secret.usableEntries()) {
      creds
          .computeIfAbsent(e.key().indexKeyBytes(), k -> new ArrayList<>())
          .add(new Added(secret.name(), call, e));
    }
    return this;
  }

  /** The index, in the order the kubelet walks it (reverse byte order), as text. */
  public List<String> index() {
    return indexBytes().stream().map(GoText::text).toList();
  }

  private List<String> indexBytes() {
    TreeSet<String> sorted = new TreeSet<>(java.util.Comparator.reverseOrder());
    sorted.addAll(creds.keySet());
    return List.copyOf(sorted);
  }

  /** The registries under the index key at a position of {@link #index()}, in added order. */
  public List<Try> entriesAt(int position) {
    List<Added> list = creds.get(indexBytes().get(position));
    List<Try> out = new ArrayList<>();
    list.forEach(
        a -> out.add(new Try(a.entry().key(), a.secret(), a.entry().credential(), false, 0)));
    return out;
  }

  public boolean isEmpty() {
    return creds.isEmpty();
  }

  /** The credentials the kubelet would try for an image, from the Pod's Secrets. */
  public Lookup lookup(ImageReference image) {
    String name = image.name();
    String target = GoText.utf8(name);
    List<String> matched = new ArrayList<>();
    for (String key : indexBytes()) {
      if (RegistryKey.urlsMatch(key, target)) {
        matched.add(key);
      }
    }
    boolean fallback = false;
    if (matched.isEmpty() && isDefaultRegistryMatch(name) && creds.containsKey(DOCKER_HUB_KEY)) {
      matched.add(DOCKER_HUB_KEY);
      fallback = true;
    }
    List<Try> tries = new ArrayList<>();
    boolean fixed = true;
    int group = 0;
    for (String key : matched) {
      int previousCall = -1;
      for (Added a : creds.get(key)) {
        if (a.call() != previousCall) {
          group++;
          previousCall = a.call();
        } else {
          fixed = false;
        }
        tries.add(new Try(a.entry().key(), a.secret(), a.entry().credential(), fallback, group));
      }
    }
    return new Lookup(List.copyOf(tries), fixed);
  }

  /**
   * Whether an image name pulls from Docker Hub by the look of it (the kubelet's
   * isDefaultRegistryMatch): no '/', or a first component that is docker.io or index.docker.io or
   * has neither '.' nor ':'.
   */
  static boolean isDefaultRegistryMatch(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? image : image.substring(0, slash);
    if (first.isEmpty()) {
      return false;
    }
    if (slash < 0 || first.equals("docker.io") || first.equals(DOCKER_HUB_KEY)) {
      return true;
    }
    return !(first.contains(".") || first.contains(":"));
  }
}
