package dev.pullpolicy.plugin.transport;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.util.Random;
import javax.crypto.KeyAgreement;
import javax.net.ssl.SSLContext;

/**
 * Start-up work that does not depend on the command line, done on a second thread while the main
 * thread builds the command model and reads the kubeconfig: the JDK's security providers
 * (certificate and key factories, the TLS context), the JSON and YAML parsers, the policy class
 * (its annotations), and one run of the arithmetic a TLS handshake does (an X25519 key agreement, a
 * 1024-bit modular exponentiation as in RSA), so that the compiler has it ready when the handshake
 * comes. Each is a one-time cost the main thread would otherwise pay a few milliseconds later;
 * class and provider initialisation is thread-safe, so whichever thread comes first does it and the
 * other waits. Nothing here touches the network or the user's files, and a failure only means the
 * main thread does that part itself.
 */
public final class Warmup {
  private Warmup() {}

  /** Starts the warm-up for a command that reads the cluster; others need none of it. */
  public static void start(String[] args) {
    String command = args.length == 0 ? "" : args[0];
    boolean readsCluster =
        switch (command) {
          case "list", "ls", "status", "doctor", "explain", "create", "__complete" -> true;
          default -> false;
        };
    if (readsCluster) {
      Thread t = new Thread(() -> warm(command), "warm-up");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void warm(String command) {
    try {
      Json.parse("{\"a\":[1,true,\"b\"]}".getBytes(StandardCharsets.US_ASCII));
      Json.parseYaml("a: [1, true, b]\nc: {d: e}\n");
      CertificateFactory.getInstance("X.509");
      KeyFactory.getInstance("RSA");
      SSLContext.getInstance("TLS");
      if (command.equals("list") || command.equals("ls") || command.equals("status")) {
        new PullCredentialPolicy();
      }
      KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
      KeyPair ours = x25519.generateKeyPair();
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(ours.getPrivate());
      agreement.doPhase(x25519.generateKeyPair().getPublic(), true);
      agreement.generateSecret();
      Random r = new Random(1);
      new BigInteger(1024, r).modPow(new BigInteger(1024, r), new BigInteger(1024, r).setBit(0));
    } catch (Exception | LinkageError e) {
      // only a head start
    }
  }
}
