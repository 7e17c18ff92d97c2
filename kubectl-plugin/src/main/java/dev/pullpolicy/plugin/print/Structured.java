package dev.pullpolicy.plugin.print;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.UncheckedIOException;

/**
 * JSON and YAML output as kubectl prints them: Kubernetes objects go through fabric8's
 * serialization, then JSON is indented by four spaces and YAML has no quotes it does not need.
 */
public final class Structured {
  private Structured() {}

  /** Whether the format is a structured one (json or yaml). */
  public static boolean isStructured(Format format) {
    return format == Format.JSON || format == Format.YAML;
  }

  /** The object as JSON or YAML, ending in a newline. */
  public static String render(Object value, Format format) {
    JsonNode tree = new KubernetesSerialization().convertValue(value, JsonNode.class);
    try {
      if (format == Format.YAML) {
        ObjectMapper yaml =
            new ObjectMapper(
                YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build());
        return yaml.writeValueAsString(tree);
      }
      String json =
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writer(
                  new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                      .withObjectIndenter(
                          new com.fasterxml.jackson.core.util.DefaultIndenter("    ", "\n"))
                      .withArrayIndenter(
                          new com.fasterxml.jackson.core.util.DefaultIndenter("    ", "\n")))
              .writeValueAsString(tree);
      return json.replace("\" : ", "\": ") + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
