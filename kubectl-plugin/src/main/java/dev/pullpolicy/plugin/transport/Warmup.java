package dev.pullpolicy.plugin.transport;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.plugin.cli.Trace;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
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

  /**
   * Starts the warm-up for a command that reads the cluster (others need none of it). {@code
   * commandClasses} are the command's classes, whose annotations the command-line parser is about
   * to read: reading them here first makes the JDK generate the annotation proxies (a class per
   * annotation type, a few milliseconds each) on this thread. {@code transport}: also warm up TLS
   * and the parsers (not when a {@code Prefetch} does the real thing meanwhile).
   */
  public static void start(String command, boolean transport, Class<?>... commandClasses) {
    boolean readsCluster =
        switch (command) {
          case "list", "status", "doctor", "explain", "create", "__complete" -> true;
          default -> false;
        };
    if (readsCluster) {
      // Two threads: the command model's annotations are needed first, the rest a little later.
      start("warm-up-model", () -> annotations(command, commandClasses));
      if (transport) {
        start("warm-up-transport", () -> transport(command));
      }
    }
  }

  private static void start(String name, Runnable work) {
    Thread t =
        new Thread(
            () -> {
              try {
                work.run();
                Trace.mark("done");
              } catch (RuntimeException | LinkageError e) {
                // only a head start
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  private static void annotations(String command, Class<?>[] commandClasses) {
    Set<Class<?>> seen = new HashSet<>();
    for (Class<?> c : commandClasses) {
      annotations(c, seen);
    }
    // needed when the answer is bound
    if (command.equals("list") || command.equals("status")) {
      new PullCredentialPolicy();
    }
  }

  private static void transport(String command) {
    try {
      Json.parse("{\"a\":[1,true,\"b\"]}".getBytes(StandardCharsets.US_ASCII));
      Json.parseYaml("a: [1, true, b]\nc: {d: e}\n");
      CertificateFactory.getInstance("X.509");
      KeyFactory.getInstance("RSA");
      SSLContext.getInstance("TLS");
      KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
      KeyPair ours = x25519.generateKeyPair();
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(ours.getPrivate());
      agreement.doPhase(x25519.generateKeyPair().getPublic(), true);
      agreement.generateSecret();
      Random r = new Random(1);
      new BigInteger(1024, r).modPow(new BigInteger(1024, r), new BigInteger(1024, r).setBit(0));
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      // only a head start
    }
  }

  /** The annotations of a class, of its fields, and of the plugin's classes its fields hold. */
  private static void annotations(Class<?> c, Set<Class<?>> seen) {
    for (Class<?> k = c; k != null && k != Object.class && seen.add(k); k = k.getSuperclass()) {
      k.getAnnotations();
      for (Field f : k.getDeclaredFields()) {
        f.getAnnotations();
        Class<?> type = f.getType();
        if (type.getName().startsWith("dev.pullpolicy.plugin.")) {
          annotations(type, seen);
        }
      }
    }
  }
}
