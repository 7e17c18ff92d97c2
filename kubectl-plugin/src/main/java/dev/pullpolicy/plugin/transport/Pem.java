package dev.pullpolicy.plugin.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM certificates and private keys as kubeconfigs carry them. Keys come in the three encodings
 * Go's {@code tls.X509KeyPair} reads: PKCS #8 ({@code PRIVATE KEY}), PKCS #1 ({@code RSA PRIVATE
 * KEY}) and SEC 1 ({@code EC PRIVATE KEY}); the last two are wrapped into PKCS #8 for the JDK.
 */
final class Pem {
  private Pem() {}

  /** One PEM block: its label and its decoded bytes. */
  record Block(String label, byte[] der) {}

  /** The PEM blocks in the text, in order; text outside blocks is ignored, as Go does. */
  static List<Block> blocks(String text) {
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", at);
      if (begin < 0) {
        return blocks;
      }
      int labelEnd = text.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        return blocks;
      }
      String label = text.substring(begin + 11, labelEnd);
      String endMarker = "-----END " + label + "-----";
      int end = text.indexOf(endMarker, labelEnd + 5);
      if (end < 0) {
        return blocks;
      }
      String body = text.substring(labelEnd + 5, end);
      StringBuilder b64 = new StringBuilder(body.length());
      for (String line : body.split("\n")) {
        String l = line.strip();
        // RFC 1421 headers (Proc-Type: ...) carry a colon; base64 never does.
        if (!l.isEmpty() && l.indexOf(':') < 0) {
          b64.append(l);
        }
      }
      try {
        blocks.add(new Block(label, Base64.getDecoder().decode(b64.toString())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid base64 in PEM block " + label);
      }
      at = end + endMarker.length();
    }
  }

  /** Every certificate in the PEM text; fails when there is none. */
  static List<X509Certificate> certificates(String text, String what) {
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory = null;
    for (Block block : blocks(text)) {
      if (!block.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        if (factory == null) {
          factory = CertificateFactory.getInstance("X.509");
        }
        certs.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException e) {
        throw new ConfigException(what + " holds a certificate that does not parse", e);
      }
    }
    if (certs.isEmpty()) {
      throw new ConfigException(what + " holds no PEM certificate");
    }
    return certs;
  }

  /** The first private key in the PEM text. */
  static PrivateKey privateKey(String text, String what) {
    for (Block block : blocks(text)) {
      byte[] pkcs8;
      switch (block.label()) {
        case "PRIVATE KEY" -> pkcs8 = block.der();
        case "RSA PRIVATE KEY" -> pkcs8 = wrap(RSA_ALGORITHM, block.der());
        case "EC PRIVATE KEY" -> pkcs8 = wrap(ecAlgorithm(block.der(), what), block.der());
        case "ENCRYPTED PRIVATE KEY" ->
            throw new ConfigException(what + " is encrypted: kubectl cannot read it either");
        default -> {
          continue;
        }
      }
      return pkcs8Key(pkcs8, what);
    }
    throw new ConfigException(what + " holds no PEM private key");
  }

  private static PrivateKey pkcs8Key(byte[] pkcs8, String what) {
    String algorithm = algorithmOf(pkcs8);
    if (algorithm == null) {
      throw new ConfigException(what + " holds a private key of an unknown type");
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new ConfigException(what + " holds a private key that does not parse", e);
    }
  }

  // ---------------------------------------------------------------- a little DER

  /** AlgorithmIdentifier of rsaEncryption: SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** The DER of OID 1.2.840.10045.2.1 (id-ecPublicKey), tag and length included. */
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private static final byte[] RSA_OID_BODY = {
    0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_OID_BODY = {
    0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final byte[] ED25519_OID_BODY = {0x2b, 0x65, 0x70};
  private static final byte[] ED448_OID_BODY = {0x2b, 0x65, 0x71};

  /** A DER element: tag, where its content starts, and its length. */
  private record Element(int tag, int start, int length) {
    int end() {
      return start + length;
    }
  }

  private static Element element(byte[] der, int at) {
    if (at + 2 > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int tag = der[at] & 0xff;
    int len = der[at + 1] & 0xff;
    int start = at + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n == 0 || n > 3 || start + n > der.length) {
        throw new IllegalArgumentException("bad DER length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[start + i] & 0xff);
      }
      start += n;
    }
    if (start + len > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new Element(tag, start, len);
  }

  /** The JDK key algorithm of a PKCS #8 PrivateKeyInfo, from its algorithm OID. */
  static String algorithmOf(byte[] pkcs8) {
    try {
      Element info = element(pkcs8, 0);
      Element version = element(pkcs8, info.start());
      Element algorithm = element(pkcs8, version.end());
      Element oid = element(pkcs8, algorithm.start());
      byte[] body = java.util.Arrays.copyOfRange(pkcs8, oid.start(), oid.end());
      if (java.util.Arrays.equals(body, RSA_OID_BODY)) {
        return "RSA";
      }
      if (java.util.Arrays.equals(body, EC_OID_BODY)) {
        return "EC";
      }
      if (java.util.Arrays.equals(body, ED25519_OID_BODY)) {
        return "Ed25519";
      }
      if (java.util.Arrays.equals(body, ED448_OID_BODY)) {
        return "Ed448";
      }
      return null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The AlgorithmIdentifier for a SEC 1 ECPrivateKey: id-ecPublicKey with the curve OID the key
   * names in its {@code [0] parameters}.
   */
  private static byte[] ecAlgorithm(byte[] sec1, String what) {
    try {
      Element key = element(sec1, 0);
      int at = key.start();
      while (at < key.end()) {
        Element e = element(sec1, at);
        if (e.tag() == 0xa0) {
          Element oid = element(sec1, e.start());
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          body.writeBytes(EC_PUBLIC_KEY_OID);
          body.write(sec1, e.start(), oid.end() - e.start());
          return sequence(body.toByteArray());
        }
        at = e.end();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " holds an EC private key that does not parse");
    }
    throw new ConfigException(what + " holds an EC private key without its curve");
  }

  /** PrivateKeyInfo { version 0, algorithm, OCTET STRING { key } }. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    writeLength(body, key.length);
    body.writeBytes(key);
    return sequence(body.toByteArray());
  }

  private static byte[] sequence(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeLength(out, content.length);
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xff);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write((length >> 8) & 0xff);
      out.write(length & 0xff);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
