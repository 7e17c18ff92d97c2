package dev.pullpolicy.plugin.print;

import java.time.Duration;
import java.time.Instant;

/** Ages as kubectl prints them (its HumanDuration): 45s, 5m30s, 3h, 2d4h, 1y20d. */
public final class Ages {
  private Ages() {}

  /** The age of something created at {@code created} (an RFC 3339 time), seen at {@code now}. */
  public static String since(String created, Instant now) {
    if (created == null || created.isEmpty()) {
      return "<unknown>";
    }
    return human(Duration.between(Instant.parse(created), now));
  }

  public static String human(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
