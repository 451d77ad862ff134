package io.sampleforge.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of shell-quoted words the way a POSIX shell does for plain words, 'single
 * quotes', "double quotes" (where a backslash escapes $, `, " and itself) and backslash escapes;
 * no expansions. Used to read the command line that submit.sh --dry-run prints.
 */
final class ShellWords {
  private ShellWords() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char ch = line.charAt(i);
      if (Character.isWhitespace(ch)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (ch == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed ' at " + i + ": " + line);
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (ch == '"') {
        i++;
        while (i < line.length() && line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\' && i + 1 < line.length() && "$`\"\\".indexOf(line.charAt(i + 1)) >= 0) {
            word.append(line.charAt(i + 1));
            i += 2;
          } else {
            word.append(c);
            i++;
          }
        }
        if (i >= line.length()) {
          throw new IllegalArgumentException("unclosed \" in " + line);
        }
        inWord = true;
        i++;
      } else if (ch == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(ch);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
