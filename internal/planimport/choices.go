package planimport

import "context"

// MissingChoices lists the names whose chosen unit does not exist (deleted,
// or an ID no form offered).
func (s *Service) MissingChoices(ctx context.Context, choices Choices) (map[string]bool, error) {
	var ids []int64
	for _, id := range choices {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := s.st.UnitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	missing := map[string]bool{}
	for name, id := range choices {
		if _, ok := found[id]; !ok {
			missing[name] = true
		}
	}
	return missing, nil
}
