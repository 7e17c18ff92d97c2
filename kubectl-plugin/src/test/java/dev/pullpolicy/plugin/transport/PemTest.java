package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Private keys in the three PEM encodings kubeconfigs carry, as Go's tls.X509KeyPair reads them.
 */
class PemTest {

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The key inside a PKCS #8 PrivateKeyInfo: the content of its OCTET STRING. */
  private static byte[] innerKey(byte[] pkcs8) {
    // SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }: skip to the octet string.
    int at = headerLength(pkcs8, 0);
    at += elementLength(pkcs8, at); // version
    at += elementLength(pkcs8, at); // algorithm
    int start = at + headerLength(pkcs8, at);
    return Arrays.copyOfRange(pkcs8, start, at + elementLength(pkcs8, at));
  }

  private static int headerLength(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    return len < 0x80 ? 2 : 2 + (len & 0x7f);
  }

  private static int elementLength(byte[] der, int at) {
    int len = der[at + 1] & 0xff;
    if (len < 0x80) {
      return 2 + len;
    }
    int n = len & 0x7f;
    int value = 0;
    for (int i = 0; i < n; i++) {
      value = (value << 8) | (der[at + 2 + i] & 0xff);
    }
    return 2 + n + value;
  }

  @Test
  void readsPkcs8AndPkcs1RsaKeys() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    byte[] pkcs8 = rsa.getPrivate().getEncoded();
    assertThat(Pem.privateKey(pem("PRIVATE KEY", pkcs8), "k").getEncoded()).isEqualTo(pkcs8);
    assertThat(Pem.privateKey(pem("RSA PRIVATE KEY", innerKey(pkcs8)), "k").getEncoded())
        .isEqualTo(pkcs8);
  }

  @Test
  void readsSec1EcKeysWithTheirCurve() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = g.generateKeyPair();
    java.math.BigInteger s = ((java.security.interfaces.ECPrivateKey) ec.getPrivate()).getS();
    byte[] raw = s.toByteArray();
    byte[] priv = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, priv, 32 - copy, copy);
    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] namedCurve prime256v1 }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x01, 0x04, 0x20});
    body.writeBytes(priv);
    body.writeBytes(
        new byte[] {
          (byte) 0xa0,
          0x0a,
          0x06,
          0x08,
          0x2a,
          (byte) 0x86,
          0x48,
          (byte) 0xce,
          0x3d,
          0x03,
          0x01,
          0x07
        });
    byte[] content = body.toByteArray();
    byte[] sec1 = new byte[content.length + 2];
    sec1[0] = 0x30;
    sec1[1] = (byte) content.length;
    System.arraycopy(content, 0, sec1, 2, content.length);

    var key = Pem.privateKey(pem("EC PRIVATE KEY", sec1), "k");
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(((java.security.interfaces.ECPrivateKey) key).getS()).isEqualTo(s);
  }

  @Test
  void readsEd25519Keys() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThat(Pem.privateKey(pem("PRIVATE KEY", ed.getPrivate().getEncoded()), "k").getAlgorithm())
        .isIn("Ed25519", "EdDSA");
  }

  @Test
  void saysWhatIsWrongWithAKeyItCannotUse() {
    assertThatThrownBy(() -> Pem.privateKey("no pem here", "client-key of user \"u\""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("client-key of user \"u\" holds no PEM private key");
    assertThatThrownBy(() -> Pem.privateKey(pem("ENCRYPTED PRIVATE KEY", new byte[] {1}), "k"))
        .hasMessage("k is encrypted: kubectl cannot read it either");
    assertThatThrownBy(() -> Pem.certificates(pem("PRIVATE KEY", new byte[] {1}), "ca.crt"))
        .hasMessage("ca.crt holds no PEM certificate");
  }
}
