package shell

import (
	"errors"
	"strings"
)

// ErrUnterminatedQuote is Split's error for a quote that is not closed.
var ErrUnterminatedQuote = errors.New("unterminated quote")

// Split splits a command line into words, a small subset of the POSIX
// shell's rules, so that quotes are optional:
//
//   - words are separated by runs of spaces and tabs; leading and trailing
//     ones are dropped, so a blank line has no words (nil);
//   - 'single quotes' keep everything up to the next single quote as it is;
//   - "double quotes" keep everything up to the next unescaped double
//     quote, where a backslash escapes only " and \ (other backslashes
//     stay);
//   - outside quotes a backslash makes the next character ordinary (a space
//     in a word, a quote); a backslash at the end stays;
//   - quoted and unquoted text next to each other make one word (a"b c"d
//     is `ab cd`), and a pair of quotes with nothing between is an empty
//     word.
//
// There are no variables, globs, pipes or other metacharacters. An open
// quote at the end is ErrUnterminatedQuote.
func Split(line string) ([]string, error) {
	var (
		words []string
		w     strings.Builder
		in    bool // inside a word (possibly an empty quoted one)
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
			continue
		case '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, ErrUnterminatedQuote
			}
			w.WriteString(line[i+1 : i+1+j])
			i += 1 + j
		case '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				}
				w.WriteByte(line[i])
			}
			if i == len(line) {
				return nil, ErrUnterminatedQuote
			}
		case '\\':
			if i+1 < len(line) {
				i++
			}
			w.WriteByte(line[i])
		default:
			w.WriteByte(c)
		}
		in = true
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}
