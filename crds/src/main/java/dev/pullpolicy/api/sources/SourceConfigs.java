package dev.pullpolicy.api.sources;

import dev.pullpolicy.api.conditions.SourceValidReason;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.api.kubelet.RegistryKey;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Validates and merges a policy's source Secrets. A source is read exactly as the kubelet reads a
 * pull Secret ({@link PullSecrets}); it is valid when the kubelet reads it without error, in the
 * layout of its type, with at least one registry it can use. So a copy never makes a Pod's pulls
 * fail, and never is a Secret the kubelet reads as empty. Pure: no client, no clock. Messages never
 * contain Secret data.
 */
public final class SourceConfigs {
  /**
   * The most bytes the merged sources may hold: what every copy holds in its one data key, and the
   * API server refuses a Secret whose data is larger (1 MiB, its {@code MaxSecretSize}).
   */
  public static final int MAX_MERGED_BYTES = 1024 * 1024;

  /** How many notes a message or {@link MergedConfig#notes()} names; the others are counted. */
  public static final int MAX_NOTES = 10;

  private SourceConfigs() {}

  /**
   * Checks one source Secret (null when it does not exist). A Secret that is not of a pull-Secret
   * type is reported exactly as a missing one ({@link SourceValidReason#SourceNotFound}): the
   * message is read by people who may not read the Secret, and tells them nothing about it.
   */
  public static ParsedSource parse(SecretReference ref, Secret secret) throws SourceProblem {
    PullSecret read = secret == null ? null : PullSecrets.read(secret);
    if (read == null || read.problem() == PullSecret.Problem.WRONG_TYPE) {
      throw new SourceProblem(
          SourceValidReason.SourceNotFound,
          "no pull Secret "
              + ref
              + " (none exists, or its type is not "
              + PullSecrets.TYPE_DOCKER_CONFIG_JSON
              + " or "
              + PullSecrets.TYPE_DOCKERCFG
              + ")");
    }
    String what = "source Secret " + ref;
    switch (read.problem()) {
      case NO_DATA_KEY ->
          throw new SourceProblem(SourceValidReason.MissingKey, what + " " + read.reason());
      case NOT_JSON, WRONG_JSON_TYPE ->
          throw new SourceProblem(
              SourceValidReason.InvalidJson,
              what
                  + ": "
                  + read.reason()
                  + " (the kubelet would fail every pull of a Pod using it)");
      case BAD_AUTH ->
          throw new SourceProblem(
              SourceValidReason.BadAuth,
              what
                  + ": "
                  + read.reason()
                  + " (the kubelet would fail every pull of a Pod using it)");
      default -> {}
    }
    if (read.layoutMismatch()) {
      throw new SourceProblem(
          SourceValidReason.WrongLayout,
          PullSecrets.TYPE_DOCKERCFG.equals(read.type())
              ? what
                  + " is of type "
                  + PullSecrets.TYPE_DOCKERCFG
                  + " but holds {\"auths\": …}: the kubelet would read \"auths\" as a registry"
                  + " name; give it type "
                  + PullSecrets.TYPE_DOCKER_CONFIG_JSON
              : what
                  + " is of type "
                  + PullSecrets.TYPE_DOCKER_CONFIG_JSON
                  + " but holds registries at the top level: the kubelet reads registries only"
                  + " under \"auths\"; give it type "
                  + PullSecrets.TYPE_DOCKERCFG
                  + " or wrap them in {\"auths\": …}");
    }
    List<String> notes = new ArrayList<>();
    for (PullSecret.Entry ignored : read.ignoredEntries()) {
      notes.add(
          "registry "
              + ignored.key().display()
              + " in "
              + ref
              + " is left out: the kubelet ignores it ("
              + ignored.key().problem()
              + ")");
    }
    List<PullSecret.Entry> usable = read.usableEntries();
    if (usable.isEmpty()) {
      throw new SourceProblem(
          SourceValidReason.NoAuths,
          what
              + (read.entries().isEmpty()
                  ? " has no registry in \"auths\""
                  : " has no registry the kubelet can use: " + joinBounded(notes)));
    }
    return new ParsedSource(ref, usable, List.copyOf(notes));
  }

  /** The first {@link #MAX_NOTES} notes joined, and how many more there are. */
  static String joinBounded(List<String> notes) {
    String shown = String.join("; ", notes.subList(0, Math.min(notes.size(), MAX_NOTES)));
    int more = notes.size() - MAX_NOTES;
    return more > 0 ? shown + "; and " + more + " more" : shown;
  }

  /**
   * Merges parsed sources: the union of their registries; a registry written the same way in
   * several sources is taken from the first.
   *
   * @throws SourceProblem ({@link SourceValidReason#SourceTooLarge}) when the merged content is
   *     larger than {@link #MAX_MERGED_BYTES}
   */
  public static MergedConfig merge(List<ParsedSource> sources) throws SourceProblem {
    Map<RegistryKey, SecretReference> owner = new LinkedHashMap<>();
    List<PullSecret.Entry> merged = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (ParsedSource source : sources) {
      notes.addAll(source.notes());
      for (PullSecret.Entry e : source.entries()) {
        SecretReference first = owner.putIfAbsent(e.key(), source.ref());
        if (first == null) {
          merged.add(e);
        } else if (!first.equals(source.ref())) {
          notes.add(
              "registry "
                  + e.key().display()
                  + " in "
                  + source.ref()
                  + " is ignored: "
                  + first
                  + " is listed first");
        }
      }
    }
    byte[] json = PullSecrets.toConfigJson(merged);
    if (json.length > MAX_MERGED_BYTES) {
      throw new SourceProblem(
          SourceValidReason.SourceTooLarge,
          (sources.size() == 1 ? "source Secret " + sources.get(0).ref() : "the merged sources")
              + " would make a copy of "
              + json.length
              + " bytes; a Secret holds at most "
              + MAX_MERGED_BYTES
              + " (the API server's limit), so no copy can be written");
    }
    TreeSet<String> hosts = new TreeSet<>();
    merged.forEach(
        e -> {
          if (!e.key().host().isEmpty()) {
            hosts.add(e.key().host());
          }
        });
    int shown = Math.min(notes.size(), MAX_NOTES);
    return new MergedConfig(
        json,
        sha256(json),
        List.copyOf(hosts),
        List.copyOf(notes.subList(0, shown)),
        notes.size() - shown);
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
