package dev.pullpolicy.api.kubelet;

/**
 * Base64 decoding as Go's encoding/base64 StdEncoding (padded) and RawStdEncoding (unpadded) do it:
 * line breaks ({@code \r}, {@code \n}) are skipped anywhere, any other byte outside the alphabet is
 * an error, padding must be complete and nothing but line breaks may follow it, and trailing bits
 * need not be zero.
 */
final class GoBase64 {
  private GoBase64() {}

  private static final int[] DECODE = new int[256];

  static {
    java.util.Arrays.fill(DECODE, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      DECODE[alphabet.charAt(i)] = i;
    }
  }

  /** Thrown for input Go refuses; the message gives the offset, never the input. */
  static final class CorruptInput extends Exception {
    CorruptInput(int offset) {
      super("illegal base64 data at input byte " + offset, null, false, false);
    }
  }

  /** Decodes a byte string; returns the decoded byte string. */
  static String decode(String src, boolean padded) throws CorruptInput {
    StringBuilder out = new StringBuilder(src.length() * 3 / 4);
    int si = 0;
    int[] buf = new int[4];
    while (si < src.length()) {
      int dlen = 4;
      boolean end = false;
      int j = 0;
      while (j < 4) {
        if (si == src.length()) {
          if (j == 0) {
            return out.toString();
          }
          if (j == 1 || padded) {
            throw new CorruptInput(si - j);
          }
          dlen = j;
          end = true;
          break;
        }
        char in = src.charAt(si++);
        int v = DECODE[in & 0xFF];
        if (v >= 0) {
          buf[j++] = v;
          continue;
        }
        if (in == '\n' || in == '\r') {
          continue;
        }
        if (!padded || in != '=') {
          throw new CorruptInput(si - 1);
        }
        // padding: only after two or three characters of a quantum
        if (j == 0 || j == 1) {
          throw new CorruptInput(si - 1);
        }
        if (j == 2) {
          while (si < src.length() && (src.charAt(si) == '\n' || src.charAt(si) == '\r')) {
            si++;
          }
          if (si == src.length()) {
            throw new CorruptInput(src.length());
          }
          if (src.charAt(si) != '=') {
            throw new CorruptInput(si - 1);
          }
          si++;
        }
        while (si < src.length() && (src.charAt(si) == '\n' || src.charAt(si) == '\r')) {
          si++;
        }
        if (si < src.length()) {
          throw new CorruptInput(si);
        }
        dlen = j;
        end = true;
        break;
      }
      int val =
          buf[0] << 18 | buf[1] << 12 | (dlen > 2 ? buf[2] : 0) << 6 | (dlen > 3 ? buf[3] : 0);
      out.append((char) ((val >> 16) & 0xFF));
      if (dlen > 2) {
        out.append((char) ((val >> 8) & 0xFF));
      }
      if (dlen > 3) {
        out.append((char) (val & 0xFF));
      }
      if (end) {
        break;
      }
    }
    return out.toString();
  }
}
