package dev.pullpolicy.api.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameGlobsTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    // exact
    "team-a, team-a, true",
    "team-a, team-b, false",
    "team-a, team-ab, false",
    "team-ab, team-a, false",
    "'', '', true",
    "'', a, false",
    // '*'
    "*, '', true",
    "*, anything, true",
    "**, x, true",
    // '?'
    "?, a, true",
    "?, '', false",
    "?, ab, false",
    "app-?, app-1, true",
    "app-?, app-12, false",
    "a?c, abc, true",
    "a?c, ac, false",
    // prefix / suffix
    "team-*, team-, true",
    "team-*, team-a, true",
    "team-*, xteam-a, false",
    "*-prod, svc-prod, true",
    "*-prod, -prod, true",
    "*-prod, svc-prod-2, false",
    // several stars
    "*-*-prod, a-b-prod, true",
    "*-*-prod, a-prod, false",
    "svc-*-*, svc-a-b, true",
    "a*b*c, abc, true",
    "a*b*c, aXbYc, true",
    "a*b*c, aXbY, false",
    "a*b*c, acb, false",
    "*a*a*, banana, true",
    "*ab, aab, true",
    "a*ab, aaab, true",
    "?*?, ab, true",
    "?*?, a, false",
    // dots and other regex characters are literal
    "a.b, a.b, true",
    "a.b, axb, false",
    "a.*, a.b.c, true",
    "a.*, ab, false",
    "a+b, a+b, true",
    "a+b, aab, false",
    "(x)[y], (x)[y], true",
    "\\d, \\d, true",
    "\\d, 1, false",
    "^a$, ^a$, true",
    // no match
    "kube-system, default, false",
    "kube-*, kub, false",
  })
  void matchesTheWholeName(String glob, String name, boolean expected) {
    assertThat(NameGlobs.matches(glob, name)).isEqualTo(expected);
  }

  @Test
  void anyOfSeveralGlobs() {
    assertThat(NameGlobs.anyMatches(List.of(), "a")).isFalse();
    assertThat(NameGlobs.anyMatches(List.of("b*", "a?"), "ax")).isTrue();
    assertThat(NameGlobs.anyMatches(List.of("b*", "a?"), "a")).isFalse();
  }

  /** The regular expression the matcher replaced, as the reference. */
  static boolean reference(String glob, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(re.toString(), name);
  }

  @Test
  void agreesWithTheRegularExpressionOnRandomInput() {
    Random random = new Random(42);
    String globChars = "ab.-*?";
    String nameChars = "ab.-";
    for (int i = 0; i < 50_000; i++) {
      String glob = random(random, globChars, random.nextInt(8));
      String name = random(random, nameChars, random.nextInt(10));
      assertThat(NameGlobs.matches(glob, name))
          .as("%s ~ %s", glob, name)
          .isEqualTo(reference(glob, name));
    }
  }

  private static String random(Random random, String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
