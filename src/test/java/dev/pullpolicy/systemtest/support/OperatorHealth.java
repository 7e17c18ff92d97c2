package dev.pullpolicy.systemtest.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waiting for an operator process to be ready and stopping it: shared by the system tests' {@link
 * OperatorProcess} and the benchmark's launcher.
 */
public final class OperatorHealth {

  private OperatorHealth() {}

  /**
   * Waits until {@code http://127.0.0.1:port/q/health/ready} answers 200. Throws with {@code
   * diagnosis} (e.g. the log's tail) when the process exits or the timeout passes; the process is
   * stopped in the latter case.
   */
  public static void awaitReady(
      Process process, int port, Duration timeout, Supplier<String> diagnosis) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the operator exited with " + process.exitValue() + ": " + diagnosis.get());
        }
        try {
          if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    stop(process, Duration.ofSeconds(15));
    throw new IllegalStateException(
        "the operator was not ready after " + timeout + ": " + diagnosis.get());
  }

  /** True when {@code http://127.0.0.1:port/q/health/ready} answers 200 now. */
  public static boolean isReady(int port) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * SIGTERM, then SIGKILL when it has not exited within {@code grace}; true when it exited by
   * itself.
   */
  public static boolean stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
