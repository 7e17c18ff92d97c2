package dev.pullpolicy.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads the local API server's audit log: who made which request, never a body. */
public final class AuditLog {

  /** One audited request (ResponseComplete stage). */
  public record Event(
      String user,
      String verb,
      String requestUri,
      String resource,
      String namespace,
      String name,
      int code,
      String requestReceived) {

    /** True for create, update, patch, delete and deletecollection. */
    public boolean isWrite() {
      return switch (verb) {
        case "create", "update", "patch", "delete", "deletecollection" -> true;
        default -> false;
      };
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public AuditLog(Path file) {
    this.file = file;
  }

  /** Every completed request so far, in log order. */
  public List<Event> events() {
    return events(e -> true);
  }

  /** The completed requests that match. */
  public List<Event> events(Predicate<Event> filter) {
    List<Event> events = new ArrayList<>();
    try (var lines = Files.lines(file)) {
      lines.forEach(
          line -> {
            try {
              JsonNode n = JSON.readTree(line);
              if (!"ResponseComplete".equals(n.path("stage").asText())) {
                return;
              }
              JsonNode ref = n.path("objectRef");
              Event e =
                  new Event(
                      n.path("user").path("username").asText(),
                      n.path("verb").asText(),
                      n.path("requestURI").asText(),
                      ref.path("resource").asText(""),
                      ref.path("namespace").asText(""),
                      ref.path("name").asText(""),
                      n.path("responseStatus").path("code").asInt(),
                      n.path("requestReceivedTimestamp").asText());
              if (filter.test(e)) {
                events.add(e);
              }
            } catch (IOException partialLine) {
              // the batch writer may be mid-line; the next read sees it whole
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }
}
