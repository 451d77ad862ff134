package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.text.ToyGrammar;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sequence rewards, with values worked out by hand. */
class RewardsTest {
  private static final TokenText WORDS = new TokenText(
      List.of("the", "cat", "sees", "a", "dog", ".", "<eos>", "<pad>", "cats"), new int[] {6, 7}, " ");

  @Test
  void regexCountsMatchesInTheDecodedText() {
    // "the cat sees a dog ." (eos and pad dropped)
    int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7};
    assertEquals("the cat sees a dog .", WORDS.text(tokens));
    assertEquals(2, new RegexReward("\\b(cat|dog)\\b", WORDS).reward(tokens));
    assertEquals(1, new RegexReward("^the .* \\.$", WORDS).reward(tokens));
    assertEquals(0, new RegexReward("cats", WORDS).reward(tokens));
    assertEquals(3, new RegexReward("a", new TokenText(List.of("a", "b"), null, "")).reward(new int[] {0, 1, 0, 0}));
    ConfigException bad = assertThrows(ConfigException.class, () -> new RegexReward("(unclosed", WORDS));
    assertTrue(bad.getMessage().contains("'reward_regex'") && bad.getMessage().endsWith("got (unclosed"),
        bad.getMessage());
    assertEquals(new TokenText(List.of("a", "b"), new int[] {1}, ""), new TokenText(List.of("a", "b"), new int[] {1}, ""));
    assertTrue(assertThrows(ConfigException.class, () -> new TokenText(List.of(), null, " ")).getMessage()
        .contains("'reward_vocabulary'"));
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
        () -> new RegexReward("x", WORDS).reward(new int[] {12}));
    assertTrue(outside.getMessage().contains("token 12"), outside.getMessage());
  }

  @Test
  void lengthStopsAtTheFirstStopId() {
    int[] tokens = {0, 1, 2, 6, 4, 7};
    assertEquals(3, LengthReward.longer(new int[] {6, 7}).reward(tokens));
    assertEquals(6, LengthReward.longer(null).reward(tokens));
    assertEquals(-2, LengthReward.target(5, new int[] {6}).reward(tokens));
    assertEquals(0, LengthReward.target(3, new int[] {7, 6}).reward(tokens));
    assertTrue(assertThrows(ConfigException.class, () -> LengthReward.target(-1, null)).getMessage()
        .contains("'reward_target_length'"));
  }

  /** The toy grammar's recogniser on a generated sentence (1), a broken one (0), agreement (0). */
  @Test
  void grammarRewardUsesTheToyGrammarRecogniser() {
    ToyGrammar grammar = new ToyGrammar();
    List<String> vocabulary = new ArrayList<>(grammar.words());
    vocabulary.add("<eos>");
    int eos = vocabulary.size() - 1;
    TokenText text = new TokenText(vocabulary, new int[] {eos}, " ");
    GrammarReward reward = new GrammarReward(grammar, text);
    String sentence = grammar.sentence(3, 7);
    int[] ids = ids(vocabulary, sentence, eos);
    assertEquals(1, reward.reward(ids), sentence);
    int[] broken = ids.clone();
    broken[0] = vocabulary.indexOf(".");
    assertEquals(0, reward.reward(broken));
    assertEquals(1, reward.reward(ids(vocabulary, "the cat sees a dog .", eos)));
    assertEquals(0, reward.reward(ids(vocabulary, "the cats sees a dog .", eos)), "number agreement");
  }

  private static int[] ids(List<String> vocabulary, String sentence, int eos) {
    String[] words = sentence.split(" ");
    int[] ids = new int[words.length + 2];
    for (int i = 0; i < words.length; i++) {
      ids[i] = vocabulary.indexOf(words[i]);
      assertTrue(ids[i] >= 0, words[i]);
    }
    ids[words.length] = eos;
    ids[words.length + 1] = eos;
    return ids;
  }
}
