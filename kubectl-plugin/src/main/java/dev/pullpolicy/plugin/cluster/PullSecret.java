package dev.pullpolicy.plugin.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.plugin.image.RegistryKey;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet can make of a Secret named in imagePullSecrets: the registry keys it holds, or
 * why it is useless. Only keys (registry hosts and paths) are kept; credential values are read to
 * check they decode and then dropped.
 *
 * @param problem null when usable, else a one-line reason without any credential data
 * @param keys the {@code auths} keys, in the Secret's order
 */
public record PullSecret(String name, Problem problem, String detail, List<RegistryKey> keys) {

  public static final String TYPE_DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  public static final String TYPE_DOCKERCFG = "kubernetes.io/dockercfg";

  /** Why a pull Secret cannot be used. */
  public enum Problem {
    MISSING,
    FORBIDDEN,
    WRONG_TYPE,
    UNPARSABLE
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean usable() {
    return problem == null;
  }

  public static PullSecret missing(String name) {
    return new PullSecret(name, Problem.MISSING, "not found", List.of());
  }

  public static PullSecret forbidden(String name) {
    return new PullSecret(name, Problem.FORBIDDEN, "not allowed to read Secrets", List.of());
  }

  /** Inspects a Secret the way the kubelet's keyring would. */
  public static PullSecret of(Secret secret) {
    String name = secret.getMetadata().getName();
    String type = secret.getType();
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String dataKey;
    if (TYPE_DOCKER_CONFIG_JSON.equals(type)) {
      dataKey = ".dockerconfigjson";
    } else if (TYPE_DOCKERCFG.equals(type)) {
      dataKey = ".dockercfg";
    } else {
      return new PullSecret(
          name,
          Problem.WRONG_TYPE,
          "type is "
              + (type == null ? "unset" : type)
              + ", not "
              + TYPE_DOCKER_CONFIG_JSON
              + " or "
              + TYPE_DOCKERCFG,
          List.of());
    }
    String encoded = data.get(dataKey);
    if (encoded == null || encoded.isEmpty()) {
      return unparsable(name, "has no " + dataKey + " key");
    }
    JsonNode root;
    try {
      root = JSON.readTree(Base64.getDecoder().decode(encoded));
    } catch (Exception e) {
      return unparsable(name, dataKey + " is not valid JSON");
    }
    JsonNode auths = dataKey.equals(".dockercfg") ? root : root.get("auths");
    if (auths == null || !auths.isObject()) {
      return unparsable(name, dataKey + " has no \"auths\" object");
    }
    List<RegistryKey> keys = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = auths.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> entry = it.next();
      String problem = entryProblem(entry.getValue());
      if (problem != null) {
        return unparsable(name, "entry \"" + entry.getKey() + "\": " + problem);
      }
      RegistryKey.of(entry.getKey()).ifPresent(keys::add);
    }
    return new PullSecret(name, null, null, keys);
  }

  /** Parses the auths map of a Secret into a comparable JSON tree, or null when unparsable. */
  public static JsonNode authsTree(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    boolean cfg = TYPE_DOCKERCFG.equals(secret.getType());
    String encoded = data.get(cfg ? ".dockercfg" : ".dockerconfigjson");
    if (encoded == null) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(Base64.getDecoder().decode(encoded));
      return cfg ? root : root.get("auths");
    } catch (Exception e) {
      return null;
    }
  }

  private static String entryProblem(JsonNode entry) {
    if (!entry.isObject()) {
      return "not an object";
    }
    JsonNode auth = entry.get("auth");
    if (auth != null && !auth.isNull() && !auth.asText().isEmpty()) {
      byte[] decoded;
      try {
        decoded = Base64.getDecoder().decode(auth.asText());
      } catch (IllegalArgumentException e) {
        return "\"auth\" is not valid base64";
      }
      if (!new String(decoded, StandardCharsets.UTF_8).contains(":")) {
        return "\"auth\" does not decode to user:password";
      }
    }
    return null;
  }

  private static PullSecret unparsable(String name, String detail) {
    return new PullSecret(name, Problem.UNPARSABLE, detail, List.of());
  }

  /** A one-line description for users. */
  public String describe() {
    return switch (problem == null ? "" : problem.name()) {
      case "MISSING" -> "Secret " + name + " does not exist";
      case "FORBIDDEN" -> "Secret " + name + " could not be read (forbidden)";
      case "WRONG_TYPE" -> "Secret " + name + " has the wrong type: " + detail;
      case "UNPARSABLE" -> "Secret " + name + " is unparsable: " + detail;
      default -> "Secret " + name + " covers " + hosts();
    };
  }

  /** The registries the Secret covers, as written, comma-separated. */
  public String hosts() {
    return keys.isEmpty()
        ? "no registry"
        : String.join(", ", keys.stream().map(RegistryKey::original).toList());
  }
}
