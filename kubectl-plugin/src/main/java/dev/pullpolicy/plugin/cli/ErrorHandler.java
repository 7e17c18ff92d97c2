package dev.pullpolicy.plugin.cli;

import dev.pullpolicy.plugin.transport.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns exceptions into exit codes and one-line messages on stderr. A stack
 * trace is printed only with {@code -v}.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + ex.getMessage());
    err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCode.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    boolean verbose = isVerbose(parseResult);
    String message = message(ex);
    // The API server's refusals read exactly as kubectl prints them, without "error: ".
    err.println(message.startsWith("Error from server") ? message : "error: " + message);
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ex instanceof PluginException p ? p.exitCode() : ExitCode.ERROR;
  }

  private static boolean isVerbose(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      CommandLine.Model.OptionSpec v = r.commandSpec().findOption("-v");
      if (v != null && Boolean.TRUE.equals(v.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** A one-line message for any failure, in kubectl's words where it has some. */
  public static String message(Throwable ex) {
    if (ex instanceof PluginException || ex instanceof ConfigException) {
      return ex.getMessage();
    }
    if (ex instanceof KubernetesClientException k) {
      Throwable root = rootCause(k);
      if (k.getCode() == 0 || k.getStatus() == null) {
        // An I/O failure: the cause is somewhere along the chain, not always at its root.
        if (inChain(k, UnresolvedAddressException.class)) {
          return "cannot reach the API server: its host name does not resolve (check"
              + " --kubeconfig/--context)";
        }
        if (inChain(k, UnknownHostException.class)) {
          return "cannot reach the API server: unknown host " + root.getMessage();
        }
        if (inChain(k, ConnectException.class)) {
          return "cannot reach the API server: connection refused (is the cluster running? check"
              + " --kubeconfig/--context)";
        }
        if (inChain(k, HttpTimeoutException.class)
            || inChain(k, TimeoutException.class)
            || inChain(k, SocketTimeoutException.class)) {
          return "the API server did not answer in time (see --request-timeout)";
        }
        CertificateException badCert = find(k, CertificateException.class);
        if (badCert != null) {
          return "cannot reach the API server: tls: failed to verify certificate: "
              + firstLine(String.valueOf(badCert.getMessage()))
              + (badCert.getMessage() != null && badCert.getMessage().contains("valid for")
                  ? " (check --server or --tls-server-name)"
                  : " (check the kubeconfig's certificate-authority or --certificate-authority)");
        }
        if (inChain(k, SSLException.class)) {
          return "cannot reach the API server: tls: " + firstLine(describe(root));
        }
      }
      if (k.getCode() == 401) {
        // kubectl's words for a credential the server does not accept.
        return "You must be logged in to the server (Unauthorized)";
      }
      String reason = k.getStatus() == null ? null : k.getStatus().getReason();
      String msg =
          k.getStatus() != null && k.getStatus().getMessage() != null
              ? k.getStatus().getMessage()
              : firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
      if (k.getCode() > 0) {
        return "Error from server (" + (reason == null ? k.getCode() : reason) + "): " + msg;
      }
      return firstLine(msg);
    }
    Throwable root = rootCause(ex);
    String m = root.getMessage();
    return firstLine(m == null ? root.getClass().getSimpleName() : m);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static boolean inChain(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
