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
  private SourceConfigs() {}

  /** Checks one source Secret (null when it does not exist). */
  public static ParsedSource parse(SecretReference ref, Secret secret) throws SourceProblem {
    if (secret == null) {
      throw new SourceProblem(
          SourceValidReason.SourceNotFound, "source Secret " + ref + " not found");
    }
    PullSecret read = PullSecrets.read(secret);
    String what = "source Secret " + ref;
    switch (read.problem()) {
      case WRONG_TYPE ->
          throw new SourceProblem(
              SourceValidReason.WrongSecretType,
              what
                  + " has type "
                  + secret.getType()
                  + "; expected "
                  + PullSecrets.TYPE_DOCKER_CONFIG_JSON
                  + " or "
                  + PullSecrets.TYPE_DOCKERCFG);
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
                  : " has no registry the kubelet can use: " + String.join("; ", notes)));
    }
    return new ParsedSource(ref, usable, List.copyOf(notes));
  }

  /**
   * Merges parsed sources: the union of their registries; a registry written the same way in
   * several sources is taken from the first.
   */
  public static MergedConfig merge(List<ParsedSource> sources) {
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
    TreeSet<String> hosts = new TreeSet<>();
    merged.forEach(
        e -> {
          if (!e.key().host().isEmpty()) {
            hosts.add(e.key().host());
          }
        });
    return new MergedConfig(json, sha256(json), List.copyOf(hosts), List.copyOf(notes));
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
