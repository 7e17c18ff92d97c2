package dev.pullpolicy.plugin.transport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-HTTP server on the loopback interface that answers canned bodies by path and records
 * every request with its headers, for unit tests of one class (the real API server is the system
 * tests' business).
 */
public final class LoopbackServer implements AutoCloseable {

  /** A request as the server saw it. */
  public record Request(String method, String pathAndQuery, Map<String, List<String>> headers) {
    public String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }
  }

  /** A canned answer. */
  public record Answer(int code, String body, Map<String, String> headers) {
    public static Answer ok(String body) {
      return new Answer(200, body, Map.of());
    }

    public static Answer status(int code, String reason, String message) {
      return new Answer(
          code,
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\""
              + reason
              + "\",\"message\":\""
              + message
              + "\",\"code\":"
              + code
              + "}",
          Map.of());
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, List<Answer>> answers = new LinkedHashMap<>();

  public LoopbackServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String query = exchange.getRequestURI().getRawQuery();
          String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
          Map<String, List<String>> headers = new LinkedHashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
          exchange.getRequestBody().readAllBytes();
          requests.add(new Request(exchange.getRequestMethod(), path, headers));
          Answer a = next(exchange.getRequestURI().getRawPath());
          byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
          if ("gzip".equals(a.headers().get("Content-Encoding"))) {
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
              gz.write(bytes);
            }
            bytes = zipped.toByteArray();
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange.sendResponseHeaders(a.code(), bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  /** Answers {@code path} with these, one per request; the last one repeats. */
  public synchronized LoopbackServer on(String path, Answer... in) {
    answers.put(path, new ArrayList<>(List.of(in)));
    return this;
  }

  private synchronized Answer next(String path) {
    List<Answer> list = answers.get(path);
    if (list == null || list.isEmpty()) {
      return Answer.status(404, "NotFound", "not here");
    }
    return list.size() > 1 ? list.remove(0) : list.get(0);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Request> requests() {
    return requests;
  }

  /** A client for this server with these flags (a kubeconfig is not needed). */
  public KubeApi client(Overrides overrides) {
    return KubeApi.of(ClientConfig.load(Kubeconfig.empty(), overrides.server(url())), n -> null);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
