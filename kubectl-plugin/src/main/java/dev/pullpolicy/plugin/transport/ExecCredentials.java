package dev.pullpolicy.plugin.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pullpolicy.plugin.transport.ClientConfig.ExecConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client-go credential plugin ({@code client.authentication.k8s.io/v1} or {@code v1beta1}), run
 * as kubectl runs it: the command with its args and env, {@code KUBERNETES_EXEC_INFO} describing
 * the request, its stderr passed through, stdin only when interactive; its stdout is an
 * ExecCredential with a token or a client certificate and key.
 */
final class ExecCredentials {
  static final String V1 = "client.authentication.k8s.io/v1";
  static final String V1BETA1 = "client.authentication.k8s.io/v1beta1";

  private ExecCredentials() {}

  /** What a plugin returned: a bearer token, or a client certificate and key (PEM). */
  record Result(String token, String certificatePem, String keyPem) {}

  /** Runs the plugin of {@code config} once; every failure says "getting credentials: ...". */
  static Result run(ClientConfig config) {
    ExecConfig exec = config.credentials().exec();
    boolean interactive = interactive(exec);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("interactive", interactive);
    if (exec.provideClusterInfo()) {
      spec.put(
          "cluster",
          config.execClusterInfo(
              pem -> Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8))));
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("kind", "ExecCredential");
    info.put("apiVersion", exec.apiVersion());
    info.put("spec", spec);

    List<String> command = new ArrayList<>();
    command.add(exec.command());
    command.addAll(exec.args());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(exec.env());
    pb.environment().put("KUBERNETES_EXEC_INFO", Json.write(info));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.redirectInput(
        interactive ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.from(devNull()));
    byte[] stdout;
    int code;
    try {
      Process p = pb.start();
      stdout = p.getInputStream().readAllBytes();
      code = p.waitFor();
    } catch (IOException e) {
      String hint = exec.installHint() == null ? "" : "\n\n" + exec.installHint().strip();
      throw failure("exec: executable " + exec.command() + " not found" + hint);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("exec: interrupted");
    }
    if (code != 0) {
      throw failure("exec: executable " + exec.command() + " failed with exit code " + code);
    }
    return parse(stdout, exec.apiVersion());
  }

  /** Reads the plugin's answer, checking what client-go checks. */
  static Result parse(byte[] stdout, String apiVersion) {
    JsonNode cred;
    try {
      cred = Json.parse(stdout);
    } catch (java.io.UncheckedIOException e) {
      throw failure("decoding stdout: " + firstLine(e.getCause().getMessage()));
    }
    if (cred == null || !cred.isObject()) {
      throw failure("decoding stdout: not an ExecCredential");
    }
    String returned = cred.path("apiVersion").asText("");
    if (!apiVersion.equals(returned)) {
      throw failure(
          "exec plugin is configured to use API version "
              + apiVersion
              + ", plugin returned version "
              + (returned.isEmpty() ? "(none)" : returned));
    }
    if (!"ExecCredential".equals(cred.path("kind").asText())) {
      throw failure("decoding stdout: kind is not ExecCredential");
    }
    JsonNode status = cred.path("status");
    if (!status.isObject()) {
      throw failure("exec plugin didn't return a status field");
    }
    String token = emptyToNull(status.path("token").asText(""));
    String cert = emptyToNull(status.path("clientCertificateData").asText(""));
    String key = emptyToNull(status.path("clientKeyData").asText(""));
    if (token == null && cert == null && key == null) {
      throw failure("exec plugin didn't return a token or cert/key pair");
    }
    if ((cert == null) != (key == null)) {
      throw failure("exec plugin returned only certificate or key, not both");
    }
    return new Result(token, cert, key);
  }

  private static boolean interactive(ExecConfig exec) {
    if (exec.interactiveMode().equals("Never")) {
      return false;
    }
    boolean terminal = stdinIsTerminal();
    if (!terminal && exec.interactiveMode().equals("Always")) {
      throw failure(
          "exec plugin cannot support interactive mode: standard input is not a terminal");
    }
    return terminal;
  }

  /** Whether stdin is a terminal (Linux: where fd 0 points; elsewhere: the JDK's console). */
  static boolean stdinIsTerminal() {
    Path fd0 = Path.of("/proc/self/fd/0");
    if (Files.exists(fd0, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd0).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }

  private static File devNull() {
    return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
  }

  private static CredentialsException failure(String message) {
    return new CredentialsException("getting credentials: " + message);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The plugin could not give credentials; the message may hold the plugin's install hint. */
  static final class CredentialsException extends ConfigException {
    CredentialsException(String message) {
      super(message);
    }
  }
}
