package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular-expression reward (config key {@code reward_regex}, java.util.regex syntax): the number
 * of non-overlapping matches of the pattern in the decoded text ({@link TokenText}); 0 or 1 for a
 * pattern anchored with ^...$. Cost: the regex engine's on a text of O(L) characters.
 */
public final class RegexReward implements SequenceReward {
  private static final long serialVersionUID = 1L;
  private final Pattern pattern;
  private final TokenText text;

  public RegexReward(String regex, TokenText text) {
    if (regex == null || regex.isEmpty()) {
      throw ConfigException.of("reward_regex", "must be a non-empty regular expression", regex);
    }
    try {
      this.pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw ConfigException.of("reward_regex", "must be a valid java.util.regex pattern (" + e.getDescription() + ")",
          regex);
    }
    this.text = text;
  }

  @Override
  public double reward(int[] tokens) {
    Matcher m = pattern.matcher(text.text(tokens));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
