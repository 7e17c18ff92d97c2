package dev.pullpolicy.plugin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ErrorHandlerTest {

  @Test
  void unresolvableServerSaysSoInOneLine() {
    var e =
        new KubernetesClientException(
            "Operation failed", new IOException("x", new UnresolvedAddressException()));
    assertThat(ErrorHandler.message(e))
        .isEqualTo(
            "cannot reach the API server: its host name does not resolve (check"
                + " --kubeconfig/--context)")
        .doesNotContain("\n")
        .doesNotContain("java.");
  }

  @Test
  void refusedConnectionWrappedByTheJdkClientSaysSoInOneLine() {
    var refused = new ConnectException();
    refused.initCause(new ClosedChannelException());
    var e = new KubernetesClientException("Operation failed", new IOException(refused));
    assertThat(ErrorHandler.message(e))
        .startsWith("cannot reach the API server: connection refused")
        .doesNotContain("java.");
  }

  @Test
  void refusedConnectionSaysSoInOneLine() {
    var e = new KubernetesClientException("Operation failed", new ConnectException("refused"));
    assertThat(ErrorHandler.message(e))
        .startsWith("cannot reach the API server: connection refused");
  }
}
