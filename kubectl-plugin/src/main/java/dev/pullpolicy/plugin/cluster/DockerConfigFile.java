package dev.pullpolicy.plugin.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.api.kubelet.PullSecrets;
import dev.pullpolicy.plugin.cli.PluginException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull Secrets read from a file instead of a cluster: one or more Secret manifests (YAML or JSON,
 * {@code data} in base64 and {@code stringData} as text), or a docker config itself, a {@code
 * config.json} or (when the file is named {@code .dockercfg} or {@code *.dockercfg}) a legacy
 * {@code .dockercfg}. A node's own config is checked this way too.
 */
public final class DockerConfigFile {
  private DockerConfigFile() {}

  /** What the file holds, as the kubelet would read it. */
  public record Contents(String describe, List<PullSecret> secrets) {}

  public static Contents read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw PluginException.usage("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw PluginException.usage("cannot read " + file + ": " + e.getMessage());
    }
    List<JsonNode> manifests = secretManifests(bytes);
    if (!manifests.isEmpty()) {
      List<PullSecret> secrets = new ArrayList<>();
      for (JsonNode m : manifests) {
        secrets.add(fromManifest(file, m));
      }
      return new Contents(file + " (Secret manifest)", secrets);
    }
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    boolean legacy = name.endsWith(".dockercfg");
    String type = legacy ? PullSecrets.TYPE_DOCKERCFG : PullSecrets.TYPE_DOCKER_CONFIG_JSON;
    String key = legacy ? PullSecrets.KEY_DOCKERCFG : PullSecrets.KEY_DOCKER_CONFIG_JSON;
    return new Contents(
        file + (legacy ? " (read as a .dockercfg)" : " (read as a config.json)"),
        List.of(PullSecrets.read(name, type, Map.of(key, bytes))));
  }

  /** The Secret manifests in the file, or none when it holds no Secret manifest. */
  private static List<JsonNode> secretManifests(byte[] bytes) {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(bytes)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || !doc.isObject()) {
          continue;
        }
        if ("Secret".equals(doc.path("kind").asText())) {
          out.add(doc);
        } else if ("List".equals(doc.path("kind").asText())
            || doc.path("kind").asText().endsWith("List")) {
          doc.path("items")
              .forEach(
                  i -> {
                    if ("Secret".equals(i.path("kind").asText())) {
                      out.add(i);
                    }
                  });
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of(); // not YAML: the file is docker config content (the kubelet judges it)
    }
    return out;
  }

  private static PullSecret fromManifest(Path file, JsonNode m) {
    String name = m.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      name = "(unnamed)";
    }
    String type = m.path("type").asText("Opaque");
    Map<String, byte[]> data = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.path("data").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        data.put(
            e.getKey(), Base64.getDecoder().decode(e.getValue().asText("").replaceAll("\\s", "")));
      } catch (IllegalArgumentException bad) {
        throw PluginException.usage(
            "Secret " + name + " in " + file + ": data." + e.getKey() + " is not base64");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.path("stringData").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      data.put(e.getKey(), e.getValue().asText("").getBytes(StandardCharsets.UTF_8));
    }
    return PullSecrets.read(name, type, data);
  }
}
