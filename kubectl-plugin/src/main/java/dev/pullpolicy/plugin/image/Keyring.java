package dev.pullpolicy.plugin.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The credentials a kubelet builds from a Pod's pull Secrets, and the order in which it would try
 * them for an image: every key that matches the image's repository name, most specific first (keys
 * sorted in reverse), and, only when none matches, a key for {@code index.docker.io} for Docker Hub
 * images.
 */
public final class Keyring {

  /** One {@code auths} entry and the Secret it came from. */
  public record Entry(RegistryKey key, String secret) {}

  /** A credential the kubelet would try, and whether it was found by the Docker Hub fallback. */
  public record Match(RegistryKey key, String secret, boolean dockerHubFallback) {}

  private static final String DOCKER_HUB_KEY = "index.docker.io";

  private final List<Entry> entries = new ArrayList<>();

  /** Adds the keys of one Secret, in the Secret's order. */
  public Keyring add(String secret, List<RegistryKey> keys) {
    keys.forEach(k -> entries.add(new Entry(k, secret)));
    return this;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The credentials the kubelet would try for the image, in the order it tries them. */
  public List<Match> lookup(ImageReference image) {
    String name = image.name();
    TreeSet<String> index = new TreeSet<>(Comparator.reverseOrder());
    entries.forEach(e -> index.add(e.key().normalized()));
    List<Match> matches = new ArrayList<>();
    for (String key : index) {
      for (Entry e : entries) {
        if (e.key().normalized().equals(key) && e.key().matches(name)) {
          matches.add(new Match(e.key(), e.secret(), false));
        }
      }
    }
    if (matches.isEmpty() && isDefaultRegistryMatch(name)) {
      for (Entry e : entries) {
        if (e.key().normalized().equals(DOCKER_HUB_KEY)) {
          matches.add(new Match(e.key(), e.secret(), true));
        }
      }
    }
    return matches;
  }

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
