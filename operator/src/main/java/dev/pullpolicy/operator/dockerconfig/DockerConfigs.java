package dev.pullpolicy.operator.dockerconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Parses, validates and merges pull Secrets. Pure: no client, no clock. Messages never contain
 * Secret data.
 */
public final class DockerConfigs {
  public static final String TYPE_DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
  public static final String TYPE_DOCKERCFG = "kubernetes.io/dockercfg";
  public static final String KEY_DOCKERCONFIGJSON = ".dockerconfigjson";
  public static final String KEY_DOCKERCFG = ".dockercfg";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DockerConfigs() {}

  /**
   * Parses one source Secret (null when it does not exist). A legacy {@code dockercfg} (the auths
   * map at top level) is converted to the {@code dockerconfigjson} shape.
   */
  public static ParsedSource parse(SecretReference ref, Secret secret) throws SourceProblem {
    if (secret == null) {
      throw new SourceProblem(SourceProblem.NOT_FOUND, "source Secret " + ref + " not found");
    }
    String type = secret.getType();
    String key;
    if (TYPE_DOCKERCONFIGJSON.equals(type)) {
      key = KEY_DOCKERCONFIGJSON;
    } else if (TYPE_DOCKERCFG.equals(type)) {
      key = KEY_DOCKERCFG;
    } else {
      throw new SourceProblem(
          SourceProblem.WRONG_TYPE,
          "source Secret "
              + ref
              + " has type "
              + type
              + "; expected "
              + TYPE_DOCKERCONFIGJSON
              + " or "
              + TYPE_DOCKERCFG);
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded == null || encoded.isEmpty()) {
      throw new SourceProblem(
          SourceProblem.MISSING_KEY, "source Secret " + ref + " has no data key " + key);
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw new SourceProblem(
          SourceProblem.INVALID_JSON, "source Secret " + ref + ": " + key + " is not base64");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(raw);
    } catch (java.io.IOException e) {
      throw new SourceProblem(
          SourceProblem.INVALID_JSON, "source Secret " + ref + ": " + key + " is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new SourceProblem(
          SourceProblem.INVALID_JSON,
          "source Secret " + ref + ": " + key + " is not a JSON object");
    }
    JsonNode auths = TYPE_DOCKERCFG.equals(type) ? root : root.get("auths");
    if (auths == null || !auths.isObject() || auths.isEmpty()) {
      throw new SourceProblem(
          SourceProblem.NO_AUTHS, "source Secret " + ref + " has no registry in \"auths\"");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      validateEntry(ref, e.getKey(), e.getValue());
    }
    return new ParsedSource(ref, (ObjectNode) auths.deepCopy());
  }

  private static void validateEntry(SecretReference ref, String registry, JsonNode entry)
      throws SourceProblem {
    String where = "source Secret " + ref + ", registry " + hostOf(registry);
    if (registry.isBlank()) {
      throw new SourceProblem(SourceProblem.NO_AUTHS, "source Secret " + ref + ": empty registry");
    }
    if (!entry.isObject()) {
      throw new SourceProblem(SourceProblem.INVALID_JSON, where + ": entry is not a JSON object");
    }
    JsonNode auth = entry.get("auth");
    if (auth != null && !auth.isNull()) {
      if (!auth.isTextual()) {
        throw new SourceProblem(SourceProblem.BAD_AUTH, where + ": \"auth\" is not a string");
      }
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(auth.asText().trim());
      } catch (IllegalArgumentException e) {
        throw new SourceProblem(SourceProblem.BAD_AUTH, where + ": \"auth\" is not valid base64");
      }
      if (new String(decoded, StandardCharsets.UTF_8).indexOf(':') < 0) {
        throw new SourceProblem(
            SourceProblem.BAD_AUTH, where + ": \"auth\" does not decode to user:password");
      }
    }
  }

  /**
   * Merges parsed sources: the union of their {@code auths}; on a registry present in several, the
   * first source wins.
   */
  public static MergedConfig merge(List<ParsedSource> sources) {
    Map<String, SecretReference> owner = new LinkedHashMap<>();
    ObjectNode auths = JsonNodeFactory.instance.objectNode();
    List<String> shadowed = new ArrayList<>();
    for (ParsedSource source : sources) {
      for (Iterator<Map.Entry<String, JsonNode>> it = source.auths().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        SecretReference first = owner.putIfAbsent(e.getKey(), source.ref());
        if (first == null) {
          auths.set(e.getKey(), e.getValue());
        } else if (!first.equals(source.ref())) {
          shadowed.add(
              "registry "
                  + hostOf(e.getKey())
                  + " in "
                  + source.ref()
                  + " is ignored: "
                  + first
                  + " is listed first");
        }
      }
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("auths", auths);
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
    TreeSet<String> hosts = new TreeSet<>();
    owner.keySet().forEach(k -> hosts.add(hostOf(k)));
    return new MergedConfig(json, sha256(json), List.copyOf(hosts), List.copyOf(shadowed));
  }

  /** The host (and port) of an {@code auths} key: no scheme, no path. */
  public static String hostOf(String registryKey) {
    String s = registryKey.trim();
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      s = s.substring(scheme + 3);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    return s;
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
