package dev.pullpolicy.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.UncheckedIOException;

/** YAML test input (flow style too, which fabric8's unmarshal would take for JSON). */
public final class Yaml {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Yaml() {}

  public static <T> T read(String yaml, Class<T> type) {
    try {
      return MAPPER.readValue(yaml, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
