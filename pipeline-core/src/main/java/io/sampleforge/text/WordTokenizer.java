package io.sampleforge.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in word tokenizer: splits on whitespace and separates the punctuation marks
 * {@code . , ; : ! ? ( ) "} into tokens of their own; case is kept. Detokenizing joins tokens with
 * single spaces. Cost: O(characters).
 */
public final class WordTokenizer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String PUNCTUATION = ".,;:!?()\"";

  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || PUNCTUATION.indexOf(c) >= 0) {
        if (word.length() > 0) {
          out.add(word.toString());
          word.setLength(0);
        }
        if (!Character.isWhitespace(c)) {
          out.add(String.valueOf(c));
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      out.add(word.toString());
    }
    return out;
  }

  public String detokenize(List<String> tokens) {
    return String.join(" ", tokens);
  }
}
